using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MoSiC.Stream.Model.Objective;

/// <summary>Reads patch features at track positions (docs/reference-code.md §1.6).</summary>
public static class TrackFeatureSampler
{
    /// <summary>
    /// Samples <paramref name="patchFeatures"/> [B, T, Gh, Gw, D] (row-major patch grid of each frame) at
    /// <paramref name="tracks"/> [B, T, N, 2] given as (x, y) pixels of a <paramref name="imageHeight"/> ×
    /// <paramref name="imageWidth"/> frame; returns [B, T, N, D]. Gradients flow into the features, never
    /// through the coordinates.
    /// </summary>
    /// <param name="patchFeatures">Patch features, [B, T, Gh, Gw, D].</param>
    /// <param name="tracks">Track positions (x, y) in pixels, [B, T, N, 2].</param>
    /// <param name="imageHeight">Frame height in pixels (Gh · patch size).</param>
    /// <param name="imageWidth">Frame width in pixels (Gw · patch size).</param>
    /// <param name="options">Mode, orientation and rounding.</param>
    /// <remarks>
    /// Nearest: coordinates are clamped to the frame, rounded, and mapped to patch <c>floor(p · G / size)</c>
    /// (= <c>floor(p / 14)</c> at 224 px), which is what nearest upsampling to full resolution then indexing gives,
    /// without building the full-resolution maps. The reference clamps both axes to <c>max(H, W) − 1</c>; per-axis
    /// clamping is the same for its square frames.
    /// </remarks>
    public static Tensor Sample(Tensor patchFeatures, Tensor tracks, long imageHeight, long imageWidth, FeatureSamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        if (patchFeatures.dim() != 5) throw new ArgumentException($"patchFeatures must be [B, T, Gh, Gw, D], got [{string.Join(", ", patchFeatures.shape)}]", nameof(patchFeatures));
        long b = patchFeatures.shape[0], t = patchFeatures.shape[1], gh = patchFeatures.shape[2], gw = patchFeatures.shape[3], d = patchFeatures.shape[4];
        if (tracks.dim() != 4 || tracks.shape[0] != b || tracks.shape[1] != t || tracks.shape[3] != 2)
            throw new ArgumentException($"tracks must be [{b}, {t}, N, 2], got [{string.Join(", ", tracks.shape)}]", nameof(tracks));
        ArgumentOutOfRangeException.ThrowIfLessThan(imageHeight, gh);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageWidth, gw);
        long n = tracks.shape[2];

        using var scope = NewDisposeScope();
        Tensor xy = tracks.detach().to(ScalarType.Float32);
        // The reference reads rows with component 0 (CoTracker's x): that is the compatibility mode.
        Tensor rowCoord = xy.select(-1, options.ReferenceSwapXY ? 0 : 1);
        Tensor colCoord = xy.select(-1, options.ReferenceSwapXY ? 1 : 0);
        rowCoord = rowCoord.clamp(0, imageHeight - 1);
        colCoord = colCoord.clamp(0, imageWidth - 1);
        if (options.RoundToPixel || options.Mode == SamplingMode.Nearest)
        {
            rowCoord = rowCoord.round();
            colCoord = colCoord.round();
        }

        Tensor result;
        if (options.Mode == SamplingMode.Nearest)
        {
            // Integer arithmetic on whole pixels: exactly nearest interpolation's floor(p · G / size).
            Tensor row = rowCoord.to(ScalarType.Int64).mul(gh).floor_divide(imageHeight);
            Tensor col = colCoord.to(ScalarType.Int64).mul(gw).floor_divide(imageWidth);
            Tensor index = row.mul(gw).add(col).unsqueeze(-1).expand(b, t, n, d);
            result = patchFeatures.reshape(b, t, gh * gw, d).gather(2, index);
        }
        else
        {
            Tensor maps = patchFeatures.permute(0, 1, 4, 2, 3).reshape(b * t, d, gh, gw);
            // Pixel centre p + 0.5 in [0, size] maps to [-1, 1] under align_corners = false.
            Tensor gx = colCoord.add(0.5).mul(2.0 / imageWidth).sub(1.0);
            Tensor gy = rowCoord.add(0.5).mul(2.0 / imageHeight).sub(1.0);
            Tensor grid = stack(new[] { gx, gy }, -1).reshape(b * t, n, 1, 2).to(patchFeatures.dtype);
            Tensor sampled = F.grid_sample(maps, grid, mode: GridSampleMode.Bilinear,
                padding_mode: GridSamplePaddingMode.Border, align_corners: false);
            result = sampled.squeeze(-1).permute(0, 2, 1).reshape(b, t, n, d);
        }
        return result.MoveToOuterDisposeScope();
    }
}
