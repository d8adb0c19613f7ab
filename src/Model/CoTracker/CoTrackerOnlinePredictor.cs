using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// <c>cotracker/predictor.py</c> <c>CoTrackerOnlinePredictor</c> over a whole clip: resizes a 0–255 video of any size to
/// 384×512 (bilinear, align_corners=True), scales explicit queries to the model frame (no support grid, the online
/// predictor's default) or lays out a G×G grid, runs <see cref="CoTrackerOnline.Track"/>, marks a point visible where
/// visibility × confidence &gt; 0.6, and maps tracks back to input pixels. Unlike the offline predictor it does not pin
/// tracks to their queries.
/// </summary>
public sealed class CoTrackerOnlinePredictor
{
    /// <summary>Threshold on visibility × confidence.</summary>
    public const double VisibilityThreshold = 0.6;

    private readonly CoTrackerThreeOffline _model;

    /// <summary>Wraps a loaded online model (window 16; not owned).</summary>
    /// <param name="model">The model, online weights loaded, in eval mode.</param>
    public CoTrackerOnlinePredictor(CoTrackerThreeOffline model) => _model = model;

    /// <summary>Iterations per window (the predictor's 6).</summary>
    public int Iterations { get; init; } = 6;

    /// <summary>Tracks explicit <paramref name="queries"/> or, when null, a <paramref name="gridSize"/>² grid on <paramref name="gridQueryFrame"/>.</summary>
    /// <param name="video">Pixels 0–255, float, [B, T, 3, H, W], any H, W.</param>
    /// <param name="queries">[B, N, 3] (t, x, y) in input pixels, or null for the grid.</param>
    /// <param name="gridSize">Grid side when <paramref name="queries"/> is null.</param>
    /// <param name="gridQueryFrame">Frame of the grid queries.</param>
    public CoTrackerPrediction Predict(Tensor video, Tensor? queries, int gridSize = 0, int gridQueryFrame = 0)
    {
        if (queries is null && gridSize <= 0)
            throw new ArgumentException("give queries or a grid size", nameof(gridSize));
        long b = video.shape[0], t = video.shape[1], h = video.shape[3], w = video.shape[4];
        int mh = CoTrackerThreeOffline.ModelHeight, mw = CoTrackerThreeOffline.ModelWidth;
        using var scope = NewDisposeScope();
        var resized = CoTrackerPredictor.ToModelSize(video);

        Tensor modelQueries;
        if (queries is not null)
        {
            var toModel = torch.tensor(new[] { (float)((mw - 1.0) / (w - 1)), (float)((mh - 1.0) / (h - 1)) }, device: video.device);
            modelQueries = torch.cat(new[] { queries.narrow(-1, 0, 1), queries.narrow(-1, 1, 2) * toModel }, dim: -1);
        }
        else
        {
            var grid = CoTrackerPredictor.GridPoints(gridSize, mh, mw).to(video.device);
            modelQueries = torch.cat(new[] { torch.ones_like(grid.narrow(-1, 0, 1)) * gridQueryFrame, grid }, dim: 2).repeat(b, 1, 1);
        }

        using var raw = CoTrackerOnline.Track(_model, resized, modelQueries, Iterations);
        var visible = (raw.Vis * raw.Conf) > VisibilityThreshold;
        var back = torch.tensor(new[] { (float)((w - 1.0) / (mw - 1)), (float)((h - 1.0) / (mh - 1)) }, device: video.device);
        var tracks = raw.Coords * back;
        return new CoTrackerPrediction(tracks.DetachFromDisposeScope(), visible.DetachFromDisposeScope(),
            modelQueries.DetachFromDisposeScope(), raw.Coords.clone().DetachFromDisposeScope(),
            raw.Vis.clone().DetachFromDisposeScope(), raw.Conf.clone().DetachFromDisposeScope());
    }
}
