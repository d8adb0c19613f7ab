namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>How <see cref="VitCheckpointLoader"/> maps a checkpoint onto a model. Immutable.</summary>
/// <param name="Prefix">Key prefix to strip (e.g. <c>"student.backbone."</c>). Null (default) detects it from the
/// file's <c>patch_embed.proj.weight</c> key; required when the file holds several backbones.</param>
/// <param name="ResamplePosEmbed">Resize a positional embedding trained on another square grid (e.g. timm/MoSiC's
/// 1 + 16×16 into a 37×37 model) with timm's antialiased bicubic. Default true; false reports it as wrong-shaped.</param>
/// <param name="AllowMissingMaskToken">Accept files without <c>mask_token</c> (timm drops it; it is unused at
/// inference). Default true; the model keeps its zero-initialised mask token.</param>
public sealed record VitLoadOptions(
    string? Prefix = null,
    bool ResamplePosEmbed = true,
    bool AllowMissingMaskToken = true)
{
    /// <summary>Defaults: detect the prefix, resample the positional grid, tolerate a missing mask token.</summary>
    public static VitLoadOptions Default { get; } = new();

    /// <summary>Exactly the official layout: no resampling, every key required.</summary>
    public static VitLoadOptions Strict { get; } = new(Prefix: "", ResamplePosEmbed: false, AllowMissingMaskToken: false);
}

/// <summary>What a load did beyond a plain name match.</summary>
/// <param name="Path">The checkpoint file.</param>
/// <param name="StrippedPrefix">Prefix removed from the file's keys ("" for none).</param>
/// <param name="Loaded">Number of model parameters set from the file.</param>
/// <param name="Ignored">File tensors outside the prefix (other networks in the same file).</param>
/// <param name="PosEmbedResampledFrom">Source grid side when the positional embedding was resampled, else null.</param>
/// <param name="MaskTokenMissing">The file had no <c>mask_token</c>.</param>
public sealed record VitLoadReport(
    string Path,
    string StrippedPrefix,
    int Loaded,
    int Ignored,
    long? PosEmbedResampledFrom,
    bool MaskTokenMissing);
