using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Model.Vit.PosEmbed;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Loads official DINOv2, timm and released-MoSiC state dicts into a <see cref="DinoVisionTransformer"/> by name.
/// Either every parameter is set or nothing is: all problems are checked before the first copy.
/// </summary>
public static class VitCheckpointLoader
{
    private const string Anchor = "patch_embed.proj.weight";
    private const string PosEmbedKey = "pos_embed";
    private const string MaskTokenKey = "mask_token";

    // timm's names for DINOv2 parameters that differ from the official ones.
    private static readonly Dictionary<string, string> Renames = new(StringComparer.Ordinal)
    {
        ["reg_token"] = "register_tokens",
    };

    /// <summary>Reads <paramref name="path"/> (.pth or .safetensors) and loads it into <paramref name="model"/>.</summary>
    /// <param name="model">Target model; its parameters are overwritten in place.</param>
    /// <param name="path">Checkpoint file.</param>
    /// <param name="options">Mapping options; <see cref="VitLoadOptions.Default"/> when null.</param>
    /// <exception cref="CheckpointMismatchException">Names or shapes do not fit; nothing was changed.</exception>
    /// <exception cref="InvalidDataException">The file is unreadable, holds several backbones without a prefix, or a weight that is not finite.</exception>
    public static VitLoadReport Load(DinoVisionTransformer model, string path, VitLoadOptions? options = null)
    {
        using var state = CheckpointFile.Read(path);
        return Load(model, state, options);
    }

    /// <summary>Loads already-read tensors into <paramref name="model"/>; see <see cref="Load(DinoVisionTransformer, string, VitLoadOptions?)"/>.</summary>
    /// <param name="model">Target model.</param>
    /// <param name="state">Tensors read from a checkpoint; not disposed here.</param>
    /// <param name="options">Mapping options; <see cref="VitLoadOptions.Default"/> when null.</param>
    public static VitLoadReport Load(DinoVisionTransformer model, StateDict state, VitLoadOptions? options = null)
    {
        options ??= VitLoadOptions.Default;
        string prefix = options.Prefix ?? DetectPrefix(state);

        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var mappedOrder = new List<string>();
        int ignored = 0;
        foreach (string name in state.Names)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                ignored++;
                continue;
            }
            string key = name[prefix.Length..];
            key = Renames.GetValueOrDefault(key, key);
            if (mapped.TryAdd(key, state[name]))
                mappedOrder.Add(key);
        }

        var parameters = model.named_parameters().ToList();
        var missing = new List<(string, long[])>();
        var wrongShape = new List<(string, long[], long[])>();
        long? resampleFrom = null;
        bool maskMissing = false;
        foreach (var (name, p) in parameters)
        {
            if (!mapped.TryGetValue(name, out var src))
            {
                if (name == MaskTokenKey && options.AllowMissingMaskToken)
                    maskMissing = true;
                else
                    missing.Add((name, p.shape));
                continue;
            }
            if (src.shape.SequenceEqual(p.shape))
                continue;
            if (name == PosEmbedKey && options.ResamplePosEmbed && TryGridSide(src, p, out long side))
                resampleFrom = side;
            else
                wrongShape.Add((name, src.shape, p.shape));
        }
        var known = parameters.Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var unexpected = mappedOrder.Where(k => !known.Contains(k)).Select(k => (k, mapped[k].shape)).ToList();

        if (missing.Count + unexpected.Count + wrongShape.Count > 0)
            throw new CheckpointMismatchException(state.Source, model.Config.Name, missing, unexpected, wrongShape);
        // A weight that is NaN or infinite poisons every feature downstream (eval's k-means fails far from the cause).
        foreach (var (name, _) in parameters)
        {
            if (!mapped.TryGetValue(name, out var src) || !src.is_floating_point()) continue;
            using var finite = isfinite(src).all();
            if (!finite.item<bool>()) throw new InvalidDataException($"{state.Source}: tensor '{name}' holds NaN or infinite values; nothing was loaded");
        }

        using (no_grad())
        {
            foreach (var (name, p) in parameters)
            {
                if (!mapped.TryGetValue(name, out var src))
                    continue;
                using var scope = NewDisposeScope();
                var value = src.to(p.dtype, p.device);
                if (name == PosEmbedKey && resampleFrom is not null)
                {
                    int grid = model.Config.GridSize;
                    value = PosEmbedResize.LoadTime(value, grid, grid);
                }
                p.copy_(value);
            }
        }
        int loaded = parameters.Count(p => mapped.ContainsKey(p.name));
        return new VitLoadReport(state.Source, prefix, loaded, ignored, resampleFrom, maskMissing);
    }

    // The backbone's keys sit under whatever precedes "patch_embed.proj.weight" (e.g. "module.", "student.backbone.",
    // MoSiC's two-level "feature_extractor.model."): one anchor finds the prefix without a list of known wrappers.
    private static string DetectPrefix(StateDict state)
    {
        var candidates = state.Names
            .Where(n => n == Anchor || n.EndsWith("." + Anchor, StringComparison.Ordinal))
            .Select(n => n[..^Anchor.Length])
            .Distinct()
            .ToList();
        return candidates.Count switch
        {
            0 => "",
            1 => candidates[0],
            _ => throw new InvalidDataException(
                $"{state.Source}: holds several backbones ({string.Join(", ", candidates.Select(c => $"'{c}'"))}); " +
                "choose one with VitLoadOptions.Prefix"),
        };
    }

    // A positional embedding can be resampled when both sides are 1 + square grid with the same width.
    private static bool TryGridSide(Tensor src, Tensor target, out long side)
    {
        side = 0;
        if (src.dim() != 3 || target.dim() != 3 || src.shape[0] != 1 || src.shape[2] != target.shape[2])
            return false;
        long n = src.shape[1] - 1;
        long m = (long)Math.Round(Math.Sqrt(Math.Max(n, 0)));
        if (n <= 0 || m * m != n)
            return false;
        side = m;
        return true;
    }
}
