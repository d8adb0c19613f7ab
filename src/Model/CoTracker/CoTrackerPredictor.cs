using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// <c>cotracker/predictor.py</c> <c>CoTrackerPredictor</c> (sparse paths): resizes a 0–255 video of any size to the
/// model's 384×512 (bilinear, align_corners=True), lays out queries (explicit queries scaled to the model frame plus a
/// 6×6 support grid, or a G×G grid), runs 6 iterations, drops the support points, thresholds visibility at 0.9, pins
/// each track to its query at the query frame and maps tracks back to input pixels.
/// </summary>
public sealed class CoTrackerPredictor
{
    /// <summary>Side of the support grid added to explicit queries.</summary>
    public const int SupportGridSize = 6;

    /// <summary>Visibility threshold on the sigmoid probability.</summary>
    public const double VisibilityThreshold = 0.9;

    private readonly CoTrackerThreeOffline _model;

    /// <summary>Wraps a loaded model (not owned).</summary>
    /// <param name="model">The offline model, weights loaded, in eval mode.</param>
    public CoTrackerPredictor(CoTrackerThreeOffline model) => _model = model;

    /// <summary>Iterations per call (the predictor's 6).</summary>
    public int Iterations { get; init; } = 6;

    /// <summary>
    /// <c>get_points_on_a_grid(size, (height, width))</c>: [1, size², 2] (x, y), y outer, margin width/64;
    /// size 1 gives the centre.
    /// </summary>
    /// <param name="size">Grid side G.</param>
    /// <param name="height">Extent height.</param>
    /// <param name="width">Extent width.</param>
    public static Tensor GridPoints(int size, int height, int width)
    {
        if (size == 1)
            return torch.tensor(new[] { width / 2f, height / 2f }).reshape(1, 1, 2);
        using var scope = NewDisposeScope();
        double margin = width / 64.0;
        var ys = torch.linspace(margin, height - margin, size, dtype: ScalarType.Float32);
        var xs = torch.linspace(margin, width - margin, size, dtype: ScalarType.Float32);
        var gy = ys.reshape(size, 1).expand(size, size);
        var gx = xs.reshape(1, size).expand(size, size);
        return torch.stack(new[] { gx, gy }, dim: -1).reshape(1, -1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Tracks explicit queries (<paramref name="queries"/> not null; a support grid is added) or a
    /// <paramref name="gridSize"/>² grid on <paramref name="gridQueryFrame"/>.
    /// </summary>
    /// <param name="video">Pixels 0–255, float, [B, T, 3, H, W], any H, W.</param>
    /// <param name="queries">[B, N, 3] (t, x, y) in input pixels, or null for the grid.</param>
    /// <param name="gridSize">Grid side when <paramref name="queries"/> is null.</param>
    /// <param name="gridQueryFrame">Frame of the grid queries.</param>
    public CoTrackerPrediction Predict(Tensor video, Tensor? queries, int gridSize = 0, int gridQueryFrame = 0)
    {
        if (queries is null && gridSize <= 0)
            throw new ArgumentException("dense tracking (no queries, no grid) is not supported; give queries or a grid size", nameof(gridSize));
        long b = video.shape[0], t = video.shape[1], h = video.shape[3], w = video.shape[4];
        int mh = CoTrackerThreeOffline.ModelHeight, mw = CoTrackerThreeOffline.ModelWidth;
        using var scope = NewDisposeScope();
        var resized = ToModelSize(video);

        Tensor modelQueries;
        bool support = queries is not null;
        if (queries is not null)
        {
            var toModel = torch.tensor(new[] { (float)((mw - 1.0) / (w - 1)), (float)((mh - 1.0) / (h - 1)) }, device: video.device);
            modelQueries = torch.cat(new[] { queries.narrow(-1, 0, 1), queries.narrow(-1, 1, 2) * toModel }, dim: -1);
        }
        else
        {
            var grid = GridPoints(gridSize, mh, mw).to(video.device);
            modelQueries = torch.cat(new[] { torch.ones_like(grid.narrow(-1, 0, 1)) * gridQueryFrame, grid }, dim: 2).repeat(b, 1, 1);
        }
        long n = modelQueries.shape[1];
        if (support)
        {
            var grid = GridPoints(SupportGridSize, mh, mw).to(video.device);
            var sg = torch.cat(new[] { torch.zeros_like(grid.narrow(-1, 0, 1)), grid }, dim: 2).repeat(b, 1, 1);
            modelQueries = torch.cat(new[] { modelQueries, sg }, dim: 1);
        }

        using var raw = _model.Track(resized, modelQueries, Iterations);
        var tracks = raw.Coords.narrow(2, 0, n);
        var visible = raw.Vis.narrow(2, 0, n) > VisibilityThreshold;

        // Pin each track to its query at the query's own frame (model-frame coordinates, before the rescale).
        var own = modelQueries.narrow(1, 0, n);
        var qt = own.select(-1, 0).to(ScalarType.Int64);                                  // B N
        var atQuery = torch.arange(t, device: video.device).reshape(1, t, 1) == qt.unsqueeze(1); // B T N
        tracks = torch.where(atQuery.unsqueeze(-1), own.narrow(-1, 1, 2).unsqueeze(1), tracks);
        visible = visible.logical_or(atQuery);

        var back = torch.tensor(new[] { (float)((w - 1.0) / (mw - 1)), (float)((h - 1.0) / (mh - 1)) }, device: video.device);
        tracks = tracks * back;
        return new CoTrackerPrediction(tracks.DetachFromDisposeScope(), visible.DetachFromDisposeScope(),
            modelQueries.DetachFromDisposeScope(), raw.Coords.clone().DetachFromDisposeScope(),
            raw.Vis.clone().DetachFromDisposeScope(), raw.Conf.clone().DetachFromDisposeScope());
    }

    /// <summary>[B, T, 3, H, W] frames resized to the model's 384 × 512, bilinear with aligned corners, as both official predictors do.</summary>
    internal static Tensor ToModelSize(Tensor video)
    {
        long b = video.shape[0], t = video.shape[1];
        int mh = CoTrackerThreeOffline.ModelHeight, mw = CoTrackerThreeOffline.ModelWidth;
        return nn.functional.interpolate(video.reshape(b * t, video.shape[2], video.shape[3], video.shape[4]), new long[] { mh, mw },
            mode: InterpolationMode.Bilinear, align_corners: true).reshape(b, t, 3, mh, mw);
    }
}

/// <summary>Predictor result (owns its tensors).</summary>
/// <param name="Tracks">[B, T, N, 2] (x, y) in input pixels.</param>
/// <param name="Visibility">[B, T, N] bool: probability &gt; 0.9, forced true at each query's frame.</param>
/// <param name="ModelQueries">[B, N(+36), 3] queries as given to the model (384×512 frame; support grid last).</param>
/// <param name="ModelTracks">Raw model tracks [B, T, N(+36), 2] (model frame).</param>
/// <param name="ModelVis">Raw visibility probabilities [B, T, N(+36)].</param>
/// <param name="ModelConf">Raw confidence probabilities [B, T, N(+36)].</param>
public sealed record CoTrackerPrediction(Tensor Tracks, Tensor Visibility, Tensor ModelQueries, Tensor ModelTracks,
    Tensor ModelVis, Tensor ModelConf) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Tracks.Dispose();
        Visibility.Dispose();
        ModelQueries.Dispose();
        ModelTracks.Dispose();
        ModelVis.Dispose();
        ModelConf.Dispose();
    }
}
