using System.Buffers.Binary;
using System.Text.RegularExpressions;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Runner.Output;

namespace MoSiC.Stream.Runner.Checkpoints;

/// <summary>
/// Turns a checkpoint that failed to load into a message that first says what the file is (its format, and the
/// architecture its tensors fit) and what to change; the tensor-by-tensor listing follows only with <c>--verbose</c>.
/// Without this, a PNG given as a checkpoint read as a garbage "safetensors header length", and a ViT-S/14 checkpoint
/// loaded as tiny printed 179 lines of shapes.
/// </summary>
internal static partial class CheckpointErrors
{
    /// <summary>The message for <paramref name="error"/>, raised loading <paramref name="path"/> as <paramref name="wanted"/>, set by <paramref name="setting"/> (<c>--arch</c>, <c>trainer.model</c>).</summary>
    public static string Explain(string path, string wanted, string setting, Exception error)
    {
        if (error is FileNotFoundException or DirectoryNotFoundException) return Missing(path, wanted, setting);
        string detail = CliOutput.Verbose ? Environment.NewLine + error.Message : " (--verbose for the full list)";
        if (error is CheckpointMismatchException mismatch)
        {
            string? fits = Architecture(path);
            string counts = $"{mismatch.Missing.Count} missing, {mismatch.Unexpected.Count} unexpected and {mismatch.WrongShape.Count} wrong-shaped tensors";
            return fits is not null && !string.Equals(fits, wanted, StringComparison.OrdinalIgnoreCase)
                ? $"{path} is a {fits} checkpoint, but {setting} is {wanted}: set {setting} to {fits}, or give a {wanted} checkpoint ({counts}){detail}"
                : $"{path} is {Kind(path)} that does not fit {wanted} ({setting}): {counts}{detail}";
        }

        string kind = Kind(path);
        return kind.StartsWith("a safetensors", StringComparison.Ordinal) || kind.StartsWith("a zip", StringComparison.Ordinal)
            ? $"{path} is {kind} but cannot be read as a checkpoint: {FirstLine(error.Message)}"
            : $"{path} is {kind}, not a checkpoint (a .safetensors or a PyTorch .pth of a DINOv2 backbone, or a mosic-stream checkpoint){(CliOutput.Verbose ? $": {error.Message}" : "")}";
    }

    /// <summary>
    /// Null when <paramref name="path"/> is a readable regular file; else the message for it, naming
    /// <paramref name="setting"/> and where the weights of <paramref name="model"/> come from. Checked before any
    /// hashing or decoding, so a shipped pipeline without its weights stops in its first second.
    /// </summary>
    public static string? CheckReadable(string path, string model, string setting)
    {
        FileKind kind = FileKinds.Of(path);
        if (kind == FileKind.Missing) return Missing(path, model, setting);
        if (kind != FileKind.Regular) return $"{setting}: {path} is {ConfinedFolder.Describe(kind)}, not a checkpoint file";
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{setting}: {path} cannot be read: {e.Message}";
        }
    }

    private static string Missing(string path, string model, string setting) =>
        $"{setting}: {Path.GetFullPath(path)}: no such file. {WhereToGet(model)}";

    /// <summary>Where the official weights of <paramref name="model"/> come from, and their licence.</summary>
    public static string WhereToGet(string model) => model switch
    {
        "vits14" or "vitb14" or "vits14_reg4" or "vitb14_reg4" =>
            $"The official DINOv2 weights are dinov2_{model}_pretrain.pth from https://dl.fbaipublicfiles.com/dinov2/dinov2_{model.Replace("_reg4", "", StringComparison.Ordinal)}/dinov2_{model}_pretrain.pth " +
            "(Apache-2.0); put the file at this path, or point the setting at it (README: weights).",
        _ => $"{model} has no official weights: give a checkpoint that mosic-stream wrote (student-backbone.safetensors or .pth in a trainer.checkpointDir), or leave the setting out for a random initialisation.",
    };

    /// <summary>What the file is, from its first bytes: "a PNG image", "a safetensors file", "an empty file"…</summary>
    public static string Kind(string path)
    {
        byte[] head = new byte[16];
        long length;
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            length = stream.Length;
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"a file that cannot be read ({e.Message})";
        }

        ReadOnlySpan<byte> h = head.AsSpan(0, read);
        if (length == 0) return "an empty file";
        if (h.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47])) return "a PNG image";
        if (h.StartsWith((byte[])[0xFF, 0xD8, 0xFF])) return "a JPEG image";
        if (h.StartsWith((byte[])[0x50, 0x4B, 0x03, 0x04])) return "a zip archive (the PyTorch .pth format)";
        if (h.StartsWith("%PDF"u8)) return "a PDF document";
        if (h.StartsWith((byte[])[0x1F, 0x8B])) return "a gzip file";
        if (h.StartsWith((byte[])[0x89, 0x48, 0x44, 0x46])) return "an HDF5 file";
        if (read >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(h) is var header && header > 1 && (long)header < length - 8 && h[8] == (byte)'{')
            return "a safetensors file";
        if (h.Length > 0 && (h[0] == (byte)'{' || h[0] == (byte)'[')) return "a JSON or text file";
        return $"{length} bytes of an unrecognised format";
    }

    /// <summary>The named ViT configuration the file's tensors fit (by width, depth and registers), or null when unknown.</summary>
    public static string? Architecture(string path)
    {
        try
        {
            if (Kind(path) == "a safetensors file" && SafetensorsReader.ReadMetadata(path).TryGetValue("model", out string? named)) return named;
            using StateDict state = CheckpointFile.Read(path);
            string? cls = state.Names.FirstOrDefault(n => n.EndsWith("cls_token", StringComparison.Ordinal));
            if (cls is null) return null;
            string prefix = cls[..^"cls_token".Length];
            long width = state[cls].shape[^1];
            int depth = state.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
                .Select(n => Block().Match(n[prefix.Length..])).Where(m => m.Success)
                .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max() + 1;
            bool registers = state.Names.Contains(prefix + "register_tokens") || state.Names.Contains(prefix + "reg_token");
            VitConfig[] fit = [.. VitConfig.All.Where(c => c.EmbedDim == width && c.RegisterTokens > 0 == registers)];
            return (fit.FirstOrDefault(c => c.Depth == depth) ?? fit.FirstOrDefault())?.Name;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or KeyNotFoundException)
        {
            return null;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0];

    [GeneratedRegex(@"^blocks\.(\d+)\.")]
    private static partial Regex Block();
}
