using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// CoTracker's sampling helpers (<c>model_utils.bilinear_sampler</c>, <c>sample_features5d</c>,
/// <c>get_support_points</c>), with the reference's coordinate conventions: pixel coordinates with
/// align_corners=True, border padding, and 5-D inputs sampled at <c>(t, x, y)</c> triplets.
/// </summary>
public static class CoTrackerSampling
{
    /// <summary>
    /// <c>bilinear_sampler(input, coords)</c> with align_corners=True and border padding. For a 4-D input
    /// [B, C, H, W] coords are [B, Ho, Wo, 2] as <c>(x, y)</c>; for a 5-D input [B, C, T, H, W] coords are
    /// [B, Do, Ho, Wo, 3] as <c>(t, x, y)</c>. Coordinates are in pixels (0 = centre of the first pixel).
    /// </summary>
    /// <param name="input">Field to sample.</param>
    /// <param name="coords">Sample points in pixels.</param>
    public static Tensor BilinearSampler(Tensor input, Tensor coords)
    {
        using var scope = NewDisposeScope();
        var sizes = input.shape.Skip(2).ToArray();
        if (sizes.Length is not (2 or 3))
            throw new ArgumentException("input must be 4-D or 5-D", nameof(input));
        if (sizes.Length == 3)
            coords = coords.index_select(-1, torch.tensor(new long[] { 1, 2, 0 }, device: coords.device));
        // Scale factors are computed in double and stored as float32, as torch.tensor([2 / max(size - 1, 1), ...]).
        var factors = sizes.Reverse().Select(s => (float)(2.0 / Math.Max(s - 1, 1))).ToArray();
        var scaled = coords * torch.tensor(factors, device: coords.device);
        var grid = scaled - 1;
        return nn.functional.grid_sample(input, grid, mode: GridSampleMode.Bilinear,
            padding_mode: GridSamplePaddingMode.Border, align_corners: true).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>sample_features5d</c>: features [B, T, C, H, W] sampled at points [B, R1, R2, 3] <c>(t, x, y)</c> →
    /// [B, R1, R2, C].
    /// </summary>
    /// <param name="input">Spatio-temporal features [B, T, C, H, W].</param>
    /// <param name="coords">Points [B, R1, R2, 3].</param>
    public static Tensor SampleFeatures5d(Tensor input, Tensor coords)
    {
        using var scope = NewDisposeScope();
        long b = input.shape[0];
        var feats = BilinearSampler(input.permute(0, 2, 1, 3, 4), coords.unsqueeze(3)); // B C R1 R2 1
        return feats.permute(0, 2, 3, 1, 4).reshape(b, feats.shape[2], feats.shape[3], feats.shape[1])
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The (2r+1)² offsets of <c>get_support_points</c> as [2r+1, 2r+1, 3] <c>(0, dx, dy)</c>: the first axis is the
    /// x offset, the second the y offset (x-major, transposed w.r.t. image row order), as the official weights expect.
    /// </summary>
    /// <param name="radius">Window radius r.</param>
    /// <param name="device">Device of the result.</param>
    public static Tensor SupportOffsets(int radius, Device? device = null)
    {
        using var scope = NewDisposeScope();
        int side = 2 * radius + 1;
        var lin = torch.linspace(-radius, radius, side, dtype: ScalarType.Float32, device: device);
        var xs = lin.reshape(side, 1).expand(side, side);
        var ys = lin.reshape(1, side).expand(side, side);
        var delta = torch.stack(new[] { torch.zeros_like(xs), xs, ys }, dim: -1);
        return delta.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>get_support_points(coords, r, reshape_back=False)</c>: centres [B, N, 3] <c>(t, x, y)</c> (any leading
    /// shape that reshapes to B, N) plus every offset → [B, N, 2r+1, 2r+1, 3].
    /// </summary>
    /// <param name="centres">Centres, reshaped to [B, N, 1, 1, 3].</param>
    /// <param name="b">Batch size B.</param>
    /// <param name="n">Points N.</param>
    /// <param name="radius">Window radius r.</param>
    public static Tensor SupportPoints(Tensor centres, long b, long n, int radius)
    {
        using var scope = NewDisposeScope();
        int side = 2 * radius + 1;
        var delta = SupportOffsets(radius, centres.device).reshape(1, 1, side, side, 3);
        return (centres.reshape(b, n, 1, 1, 3) + delta).MoveToOuterDisposeScope();
    }
}
