using System.Buffers.Binary;
using System.Text.RegularExpressions;
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
