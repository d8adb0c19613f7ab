using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// CoTracker3's correlation side: the 4-level feature pyramid (2×2 average pooling), the query features with their
/// 7×7 support windows (<c>get_track_feat</c>), the 7×7 correlation samples around the current track positions
/// (<c>get_correlation_feat</c>) and their 49×49 correlation volume.
/// </summary>
public static class CoTrackerCorrelation
{
    /// <summary>Pyramid of L2-normalised features [B, T, C, H, W]: level 0 is the input, each next level avg-pooled 2×2.</summary>
    /// <param name="fmaps">Level-0 features [B, T, C, H, W].</param>
    /// <param name="levels">Number of levels.</param>
    public static Tensor[] Pyramid(Tensor fmaps, int levels = CoTrackerThreeOffline.CorrLevels)
    {
        var result = new Tensor[levels];
        result[0] = fmaps.alias();
        long b = fmaps.shape[0], t = fmaps.shape[1], c = fmaps.shape[2];
        for (int i = 1; i < levels; i++)
        {
            using var scope = NewDisposeScope();
            var prev = result[i - 1];
            var pooled = nn.functional.avg_pool2d(prev.reshape(b * t, c, prev.shape[3], prev.shape[4]), 2, 2);
            result[i] = pooled.reshape(b, t, c, pooled.shape[2], pooled.shape[3]).MoveToOuterDisposeScope();
        }
        return result;
    }

    /// <summary>
    /// <c>get_track_feat</c>: features of each query at its own frame, at the centre and over the (2r+1)² support
    /// window. Returns (centre [B, 1, N, C], support [B, (2r+1)², N, C]); the window axis is <c>xoff·(2r+1) + yoff</c>.
    /// </summary>
    /// <param name="fmaps">One pyramid level [B, T, C, H, W].</param>
    /// <param name="queriedFrames">Query frames [B, N] (integer).</param>
    /// <param name="queriedCoords">Query positions [B, N, 2] (x, y) in this level's pixels.</param>
    /// <param name="radius">Support radius.</param>
    public static (Tensor Centre, Tensor Support) TrackFeat(Tensor fmaps, Tensor queriedFrames, Tensor queriedCoords, int radius)
    {
        using var scope = NewDisposeScope();
        long b = queriedCoords.shape[0], n = queriedCoords.shape[1];
        int side = 2 * radius + 1;
        var frames = queriedFrames.to(queriedCoords.dtype).reshape(b, n, 1);
        var centres = torch.cat(new[] { frames, queriedCoords }, dim: -1);              // B N 3
        var points = CoTrackerSampling.SupportPoints(centres, b, n, radius)              // B N s s 3
            .reshape(b, n, side * side, 3).permute(0, 2, 1, 3);                          // B s² N 3
        var support = CoTrackerSampling.SampleFeatures5d(fmaps, points);               // B s² N C
        var centre = support.narrow(1, side * side / 2, 1);
        return (centre.MoveToOuterDisposeScope(), support.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <c>get_correlation_feat</c>: features [B, T, N, 2r+1, 2r+1, C] sampled (border padding) on the window around
    /// each track position; the window axes are (x offset, y offset).
    /// </summary>
    /// <param name="fmaps">One pyramid level [B, T, C, H, W].</param>
    /// <param name="coords">Track positions [B·T, N, 2] (x, y) in this level's pixels.</param>
    /// <param name="radius">Window radius.</param>
    public static Tensor CorrelationFeat(Tensor fmaps, Tensor coords, int radius)
    {
        using var scope = NewDisposeScope();
        long b = fmaps.shape[0], t = fmaps.shape[1], d = fmaps.shape[2], h = fmaps.shape[3], w = fmaps.shape[4];
        long n = coords.shape[1];
        int side = 2 * radius + 1;
        var centres = torch.cat(new[] { torch.zeros_like(coords.narrow(-1, 0, 1)), coords }, dim: -1); // BT N 3
        var points = CoTrackerSampling.SupportPoints(centres, b * t, n, radius);                     // BT N s s 3
        var feat = CoTrackerSampling.BilinearSampler(fmaps.reshape(b * t, d, 1, h, w), points);      // BT D N s s
        return feat.reshape(b, t, d, n, side, side).permute(0, 1, 3, 4, 5, 2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The correlation volume fed to <c>corr_mlp</c>: <c>einsum("btnhwc,bnijc->btnhwij")</c> of the window samples
    /// and the query's support features, flattened to [B·T·N, (2r+1)⁴] with column <c>((h·s + w)·s + i)·s + j</c>.
    /// </summary>
    /// <param name="corrFeat">[B, T, N, s, s, C] from <see cref="CorrelationFeat"/>.</param>
    /// <param name="support">[B, s², N, C] from <see cref="TrackFeat"/>.</param>
    public static Tensor CorrelationVolume(Tensor corrFeat, Tensor support)
    {
        using var scope = NewDisposeScope();
        long b = corrFeat.shape[0], t = corrFeat.shape[1], n = corrFeat.shape[2], s = corrFeat.shape[3], c = corrFeat.shape[5];
        var sup = support.reshape(b, s, s, n, c).permute(0, 3, 1, 2, 4);                 // B N s s C
        var vol = torch.einsum("btnhwc,bnijc->btnhwij", corrFeat, sup);
        return vol.reshape(b * t * n, s * s * s * s).MoveToOuterDisposeScope();
    }
}
