using System.Globalization;
using MoSiC.Stream.Core.Options;
using OpenCvSharp;

namespace MoSiC.Stream.Stages.Track.LucasKanade;

/// <summary>
/// Pyramidal Lucas-Kanade (OpenCV) chained frame to frame from each point's query frame, with a
/// forward-backward check and a bounds check deciding visibility; needs no weights and runs on any CPU.
/// </summary>
/// <remarks>
/// <para>Visibility policy: a point is visible on its query frame. Each later frame it is tracked from the
/// previous frame; it stays visible only if both LK passes succeed, the backward pass returns within
/// <see cref="LucasKanadeOptions.ForwardBackwardPixels"/> of where it started, and it lands inside the frame.
/// A point that fails is lost: it keeps the position where it was last seen and stays invisible. With
/// <see cref="LucasKanadeOptions.Refind"/> every later frame retries it directly from the frame where it was
/// last seen (same checks); if that passes it is visible again and chaining resumes from there.</para>
/// <para>Before its query frame a point is invisible at its query position (no backward tracking).</para>
/// <para>Clips of a batch run in parallel, at most <c>threads</c> at once; OpenCV's own thread pool gets
/// what is left of the budget (process-wide setting, made before every batch).</para>
/// </remarks>
public sealed class LucasKanadeTracker : IPointTracker
{
    public const string Name = "lk";

    /// <summary>Bumped whenever the tracks change for the same input and settings.</summary>
    public const int Version = 1;

    private readonly LucasKanadeOptions _options;
    private readonly int _threads;

    /// <param name="options">LK settings (validated here).</param>
    /// <param name="threads">Thread budget of the stage: clips in parallel times OpenCV threads per clip.</param>
    public LucasKanadeTracker(LucasKanadeOptions options, int threads)
    {
        options.ThrowIfInvalid("Lucas-Kanade tracker");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        OpenCvRuntime.EnsureLoaded();
        (_options, _threads) = (options, threads);
        Identity = IdentityFor(options);
    }

    /// <summary>The identity a tracker with <paramref name="options"/> has, without loading OpenCV.</summary>
    public static TrackerIdentity IdentityFor(LucasKanadeOptions options) => new(Name, Version,
    [
        new("window", Show(options.Window)),
        new("levels", Show(options.Levels)),
        new("iterations", Show(options.Iterations)),
        new("epsilon", Show(options.Epsilon)),
        new("mineig", Show(options.MinEigenvalue)),
        new("fb", Show(options.ForwardBackwardPixels)),
        new("refind", options.Refind ? "1" : "0"),
    ]);

    public TrackerIdentity Identity { get; }

    /// <summary>
    /// Where the clips of a batch are tracked: the run's dedicated tracker threads, so seconds of OpenCV work never hold
    /// the thread pool's threads (the thread pool by default, for tools and tests).
    /// </summary>
    public TaskScheduler Scheduler { get; init; } = TaskScheduler.Default;

    public async ValueTask<TrackResult> TrackAsync(ClipBatch batch, QuerySpec queries, CancellationToken ct)
    {
        TrackQuery[] q = queries.Resolve(batch.Width, batch.Height, batch.Frames);
        int cells = batch.Frames * q.Length;
        var positions = new float[batch.Count * cells * 2];
        var visible = new bool[batch.Count * cells];

        int workers = Math.Min(batch.Count, _threads);
        Cv2.SetNumThreads(Math.Max(1, _threads / workers));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct, TaskScheduler = Scheduler };
        await Task.Factory.StartNew(() => Parallel.For(0, batch.Count, parallel, b =>
        {
            var clip = new LkClip(_options, batch.Clips[b], batch.Width, batch.Height, q);
            clip.Run(positions.AsSpan(b * cells * 2, cells * 2), visible.AsSpan(b * cells, cells), ct);
        }), ct, TaskCreationOptions.DenyChildAttach, Scheduler).ConfigureAwait(false);

        return new TrackResult(batch.Count, batch.Frames, q, positions, visible);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
