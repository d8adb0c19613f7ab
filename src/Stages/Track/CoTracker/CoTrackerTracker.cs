using System.Globalization;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.CoTracker;
using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Stages.Track.CoTracker;

/// <summary>
/// <c>cotracker3-offline</c>: the official CoTracker3 offline model through <see cref="CoTrackerPredictor"/>. A batch
/// of RGB24 clips becomes one [B, T, 3, H, W] 0–255 float video and one forward; grid queries use the predictor's own
/// grid (laid out on 384×512, mapped back to input pixels), explicit queries get its 6×6 support grid. Clips longer
/// than the 60-frame window are tracked in overlapping windows by the model's <see cref="WindowedTracking"/>, so
/// memory is bounded by the window whatever the clip length. <see cref="Online"/> builds
/// <c>cotracker3-online</c> instead: the online model, which windows the clip itself (<see cref="CoTrackerOnline"/>).
/// </summary>
public sealed class CoTrackerTracker : IPointTracker
{
    /// <summary>Pipeline name of the offline tracker.</summary>
    public const string OfflineName = "cotracker3-offline";

    /// <summary>Pipeline name of the online tracker (sliding 16-frame windows, step 8, <c>scaled_online.pth</c>).</summary>
    public const string OnlineName = "cotracker3-online";

    /// <summary>The online model's window.</summary>
    public const int OnlineWindow = 16;

    /// <summary>Bumped whenever the tracks of the same input and weights change.</summary>
    public const int Version = 1;

    /// <summary>Refinement iterations per window (the official predictor's 6).</summary>
    public const int Iterations = 6;

    /// <summary>Frames per model call (the offline model's window).</summary>
    public const int Window = 60;

    /// <summary>Frames shared by consecutive windows of a long clip.</summary>
    public const int Overlap = 12;

    private readonly CoTrackerThreeOffline _model;
    private readonly CoTrackerPredict _predict;
    private readonly bool _online;
    private readonly Device _device;
    private readonly int _threads;
    private readonly int _window;
    private readonly int _overlap;
    private bool _disposed;

    /// <summary>Where the CPU-bound forward runs (the run's dedicated tracker threads; the thread pool by default).</summary>
    public TaskScheduler Scheduler { get; init; } = TaskScheduler.Default;

    /// <summary>Loads the weights (strictly) onto the device; a bad file fails here, before any tracking.</summary>
    /// <param name="weights">Path of <c>scaled_offline.pth</c> (bare state dict or under <c>"model"</c>).</param>
    /// <param name="device">The run's resolved <c>runtime.device</c>.</param>
    /// <param name="threads">LibTorch intra-op threads for the CPU path (<c>runtime.threads.tracker</c>).</param>
    /// <param name="window">Frames per model call; clips longer than this are tracked in windows (tests use short ones).</param>
    /// <param name="overlap">Frames shared by consecutive windows.</param>
    /// <exception cref="InvalidOperationException">Missing or unfit weights.</exception>
    public CoTrackerTracker(string? weights, ComputeDevice device, int threads, int window = Window, int overlap = Overlap)
        : this(weights, device, threads, window, overlap, online: false)
    {
    }

    private CoTrackerTracker(string? weights, ComputeDevice device, int threads, int window, int overlap, bool online)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(overlap, window);
        (_window, _overlap) = (window, overlap);
        _online = online;
        string name = online ? OnlineName : OfflineName;
        Identity = online ? OnlineTrackerId : IdentityFor(window, overlap);
        CoTrackerWeights.RequireFile(weights, name);
        _threads = threads;
        TorchRuntime.SetThreads(threads);
        _device = device.ToTorch();
        _model = new CoTrackerThreeOffline(online ? OnlineWindow : Window);
        try
        {
            CoTrackerWeights.Load(_model, weights, name);
            _model.to(_device);
            _model.eval();
        }
        catch
        {
            _model.Dispose();
            throw;
        }

        if (online)
        {
            var predictor = new CoTrackerOnlinePredictor(_model) { Iterations = Iterations };
            _predict = predictor.Predict;
        }
        else
        {
            var predictor = new CoTrackerPredictor(_model) { Iterations = Iterations };
            _predict = predictor.Predict;
        }
    }

    /// <summary>
    /// <c>cotracker3-online</c>: the online model (<c>scaled_online.pth</c>) over the whole clip in 16-frame windows
    /// moving by 8, as the official online predictor (no support grid, visible where visibility × confidence &gt; 0.6,
    /// tracks not pinned to their queries). Queries may lie on any frame.
    /// </summary>
    public static CoTrackerTracker Online(string? weights, ComputeDevice device, int threads, TaskScheduler? scheduler = null) =>
        new(weights, device, threads, int.MaxValue, 0, online: true) { Scheduler = scheduler ?? TaskScheduler.Default };

    /// <summary>The identity of <c>cotracker3-online</c>; the weights' hash is added by the cache key itself.</summary>
    public static TrackerIdentity OnlineTrackerId { get; } = new(OnlineName, Version,
    [
        new("iterations", Iterations.ToString(CultureInfo.InvariantCulture)),
        new("window", OnlineWindow.ToString(CultureInfo.InvariantCulture)),
        new("step", (OnlineWindow / 2).ToString(CultureInfo.InvariantCulture)),
        new("visibility", "conf*vis>" + CoTrackerOnlinePredictor.VisibilityThreshold.ToString("R", CultureInfo.InvariantCulture)),
    ]);

    /// <summary>The identity of <c>cotracker3-offline</c>; the weights' hash is added by the cache key itself.</summary>
    public static TrackerIdentity TrackerId { get; } = IdentityFor(Window, Overlap);

    /// <inheritdoc/>
    public TrackerIdentity Identity { get; private init; } = TrackerId;

    private static TrackerIdentity IdentityFor(int window, int overlap) => new(OfflineName, Version,
    [
        new("iterations", Iterations.ToString(CultureInfo.InvariantCulture)),
        new("window", window.ToString(CultureInfo.InvariantCulture)),
        new("overlap", overlap.ToString(CultureInfo.InvariantCulture)),
        new("visibility", CoTrackerPredictor.VisibilityThreshold.ToString("R", CultureInfo.InvariantCulture)),
    ]);

    /// <summary>The device the model runs on.</summary>
    public Device Device => _device;

    /// <inheritdoc/>
    public async ValueTask<TrackResult> TrackAsync(ClipBatch batch, QuerySpec queries, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TrackQuery[] resolved = queries.Resolve(batch.Width, batch.Height, batch.Frames);
        int? gridSize = null;
        if (queries is QuerySpec.GridQueries grid)
        {
            // The predictor's grid, in input pixels: what its tracks are pinned to on the query frame.
            resolved = QueryGrid.Points(grid.Size, batch.Width, batch.Height, QueryGrid.CoTrackerWidth, QueryGrid.CoTrackerHeight, grid.Frame);
            gridSize = grid.Size;
        }

        // The online model windows the clip itself; the offline one is run window by window here.
        var windows = _online ? [new TrackWindow(0, batch.Frames, 0)] : TrackWindows.Plan(batch.Frames, _window, _overlap);
        foreach (TrackQuery q in resolved)
        {
            if (q.Frame >= windows[0].End)
                throw new ArgumentOutOfRangeException(nameof(queries),
                    $"query frame {q.Frame} lies beyond the first {_window}-frame window of this {batch.Frames}-frame clip: long clips are tracked forward from queries in their first {_window} frames");
        }

        return await Task.Factory.StartNew(() => Track(batch, resolved, gridSize, windows, ct), ct, TaskCreationOptions.DenyChildAttach, Scheduler).ConfigureAwait(false);
    }

    private TrackResult Track(ClipBatch batch, TrackQuery[] queries, int? gridSize, IReadOnlyList<TrackWindow> windows, CancellationToken ct)
    {
        TorchRuntime.SetThreads(_threads);
        WindowedTracks tracks = WindowedTracking.Track(_predict, w => Frames(batch, w), _device, batch.Count, batch.Frames,
            [.. queries.Select(q => (q.Frame, q.X, q.Y))], gridSize, windows, ct);
        return new TrackResult(batch.Count, batch.Frames, queries, tracks.Positions, tracks.Visible, tracks.Confidence);
    }

    // [B, L, 3, H, W] float 0–255 on the device, from the window's RGB24 frames.
    private Tensor Frames(ClipBatch batch, TrackWindow w)
    {
        int frameBytes = batch.Width * batch.Height * 3;
        var bytes = new byte[(long)batch.Count * w.Length * frameBytes];
        for (int c = 0; c < batch.Count; c++)
        {
            for (int f = 0; f < w.Length; f++)
                batch.Clips[c].Frames[w.Start + f].Span.CopyTo(bytes.AsSpan((c * w.Length + f) * frameBytes, frameBytes));
        }

        return torch.tensor(bytes, [batch.Count, w.Length, batch.Height, batch.Width, 3]).to(_device)
            .permute(0, 1, 4, 2, 3).to(ScalarType.Float32);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _model.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
