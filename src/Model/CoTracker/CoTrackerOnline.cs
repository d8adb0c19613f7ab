using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// The online CoTracker3 model (<c>scaled_online.pth</c>: the same modules as the offline one with a 16-frame time
/// embedding) run over a whole clip the way <c>CoTrackerThreeOnline</c> runs in online mode: windows of S = 16 frames
/// moving by S/2, each window's tracks, visibility and confidence initialised from the previous window on the frames
/// they share (for points already queried), query features taken when a query's frame first enters a window, and
/// points whose query frame is not reached yet masked out. Only the frames new to a window are encoded; memory is
/// bounded by the window, whatever the clip length.
/// </summary>
public static class CoTrackerOnline
{
    /// <summary>Tracks every query through the clip.</summary>
    /// <param name="model">A model built with window 16 and the online weights, in eval mode.</param>
    /// <param name="video">Pixels 0–255, float, [B, T, 3, 384, 512] (the model resolution).</param>
    /// <param name="queries">[B, N, 3] (t, x, y) in model pixels.</param>
    /// <param name="iters">Refinement iterations per window (6 in the predictor).</param>
    /// <returns>Tracks in model pixels and visibility/confidence probabilities (no per-iteration records).</returns>
    public static CoTrackerOutput Track(CoTrackerThreeOffline model, Tensor video, Tensor queries, int iters = 6)
    {
        int s = model.WindowLen, step = s / 2, overlap = s - step;
        long b = video.shape[0], t = video.shape[1], n = queries.shape[1];
        var device = video.device;
        int stride = CoTrackerThreeOffline.Stride, levels = CoTrackerThreeOffline.CorrLevels;
        using var outer = NewDisposeScope();
        var queriedFrames = queries.select(-1, 0).to(ScalarType.Int64);                 // B N
        var queriedCoords = queries.narrow(-1, 1, 2) / (double)stride;                  // B N 2

        var coordsOut = torch.zeros(new[] { b, t, n, 2 }, device: device);
        var visOut = torch.zeros(new[] { b, t, n }, device: device);
        var confOut = torch.zeros(new[] { b, t, n }, device: device);
        var coordsInit = queriedCoords.reshape(b, 1, n, 2).expand(b, s, n, 2).to(ScalarType.Float32).contiguous();
        var visInit = torch.zeros(new[] { b, s, n }, device: device);
        var confInit = torch.zeros(new[] { b, s, n }, device: device);
        var supports = new Tensor?[levels];
        Tensor[]? tail = null;

        // As the reference: (T − S + step − 1) // step + 1 windows (floor division), at least one.
        long windows = Math.Max(1, (long)Math.Floor((t - s + step - 1) / (double)step) + 1);
        try
        {
            for (long w = 0; w < windows; w++)
            {
                long ind = w * step;
                using var scope = NewDisposeScope();
                var pyramid = WindowPyramid(model, video, ind, w == 0 ? 0 : overlap, s, tail, overlap);
                if (tail is not null)
                    foreach (var old in tail) old.Dispose();
                tail = pyramid.Select(p => p.narrow(1, step, overlap).clone().DetachFromDisposeScope()).ToArray();

                // Query features of points whose frame is new in this window.
                long left = w == 0 ? 0 : ind + overlap, right = ind + s;
                var newHere = (queriedFrames >= left).logical_and(queriedFrames < right).reshape(b, 1, n, 1).to(ScalarType.Float32);
                for (int i = 0; i < levels; i++)
                {
                    var support = CoTrackerCorrelation.TrackFeat(pyramid[i], queriedFrames - ind, queriedCoords / Math.Pow(2, i), CoTrackerThreeOffline.CorrRadius).Support;
                    if (supports[i] is null)
                        supports[i] = torch.zeros_like(support).MoveToOuterDisposeScope();
                    supports[i]!.add_(support * newHere);
                }

                if (w > 0)
                {
                    // Points queried before the shared frames start from the previous window's values there.
                    var copyOver = (queriedFrames < ind + overlap).reshape(b, 1, n);
                    coordsInit.copy_(torch.where(copyOver.unsqueeze(-1), Continue(coordsOut.narrow(1, ind, overlap) / (double)stride, step), coordsInit));
                    visInit.copy_(torch.where(copyOver, Continue(visOut.narrow(1, ind, overlap), step), visInit));
                    confInit.copy_(torch.where(copyOver, Continue(confOut.narrow(1, ind, overlap), step), confInit));
                }

                var reached = (queriedFrames < ind + s).reshape(b, 1, n, 1).to(ScalarType.Float32);
                var masked = supports.Select(x => x! * reached).ToArray();
                var (coords, vis, conf) = model.Refine(pyramid, masked, coordsInit, visInit, confInit, iters);
                long kept = Math.Min(t - ind, s);
                coordsOut.narrow(1, ind, kept).copy_(coords.narrow(1, 0, kept) * (double)stride);
                visOut.narrow(1, ind, kept).copy_(vis.narrow(1, 0, kept));
                confOut.narrow(1, ind, kept).copy_(conf.narrow(1, 0, kept));
            }
        }
        finally
        {
            if (tail is not null)
                foreach (var old in tail) old.Dispose();
        }

        return new CoTrackerOutput(coordsOut.clone().DetachFromDisposeScope(), visOut.sigmoid().DetachFromDisposeScope(),
            confOut.sigmoid().DetachFromDisposeScope(), [], [], []);
    }

    // The window's pyramid: the previous window's last `reuse` frames plus the new ones, encoded now; frames past the
    // clip's end repeat its last frame (the reference pads the video that way).
    private static Tensor[] WindowPyramid(CoTrackerThreeOffline model, Tensor video, long ind, int reuse, int s, Tensor[]? tail, int overlap)
    {
        long t = video.shape[1];
        long first = ind + reuse;
        var frames = Enumerable.Range(0, (int)(s - reuse)).Select(k => Math.Min(first + k, t - 1)).ToArray();
        using var index = torch.tensor(frames, device: video.device);
        using var pixels = video.index_select(1, index);
        using var normalized = CoTrackerThreeOffline.NormalizeVideo(pixels);
        using var fmaps = model.EncodeFrames(normalized);
        var fresh = CoTrackerCorrelation.Pyramid(fmaps, CoTrackerThreeOffline.CorrLevels);
        if (reuse == 0 || tail is null) return fresh;
        if (reuse != overlap) throw new InvalidOperationException("a window reuses exactly the previous window's shared frames");
        return tail.Zip(fresh, (old, now) => torch.cat(new[] { old, now }, dim: 1)).ToArray();
    }

    // [B, overlap, ...] followed by its last frame repeated `step` times: [B, S, ...].
    private static Tensor Continue(Tensor shared, int step)
    {
        var last = shared.narrow(1, shared.shape[1] - 1, 1);
        var shape = shared.shape.ToArray();
        shape[1] = step;
        return torch.cat(new[] { shared, last.expand(shape) }, dim: 1);
    }
}
