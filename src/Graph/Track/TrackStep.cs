using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Track;

/// <summary>
/// Tracks batches of clips. The tracker is built at the first batch, so a run whose clips are all cached never loads
/// it (nor OpenCV, nor CoTracker weights). A batch the tracker rejects as bad input fails its videos (and goes on, marked
/// rejected, so write can tell the trainer's order); any other error is the tracker's machinery failing and stops the run.
/// </summary>
internal sealed class TrackStep(GraphContext g, Func<IPointTracker> create, Pipe<TrackedBatch> output) : IAsyncDisposable
{
    private IPointTracker? _tracker;

    public double PointFrames { get; private set; }

    public async ValueTask RunAsync(IReadOnlyList<ClipWork> clips, StageWorker worker, CancellationToken ct)
    {
        _tracker ??= create();
        ClipWork first = clips[0];
        var batch = new ClipBatch(first.Pixels.Width, first.Pixels.Height,
            clips.Select(c => new TrackClip(c.Key, Enumerable.Range(0, c.Pixels.Frames.Count).Select(c.Pixels.Frame).ToArray(),
                new ClipOrigin(c.Video.Source.Path, c.TimestampsSeconds))).ToArray());
        TrackResult result;
        try
        {
            result = await _tracker.TrackAsync(batch, g.Queries, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            foreach (var video in clips.Select(c => c.Video).Distinct()) g.VideoFailed(new FailureRecord(video.Source.Path, "track", e.Message));

            var rejected = TrackedBatch.Rejected(clips);
            await output.WriteOwnedAsync(rejected, rejected.Bytes, worker, ct).ConfigureAwait(false);
            return;
        }

        PointFrames += (double)batch.Count * result.Points * (batch.Frames - 1);
        CachedClip[] rows = clips.Select((c, b) => CachedClips.From(g.Set, result, b, c.Video.Hash, c.Video.Source.Path, c.Index,
            [.. c.Plan.FrameIndices], c.TimestampsSeconds, c.Pixels.Width, c.Pixels.Height)).ToArray();
        var tracked = new TrackedBatch(clips, rows);
        await output.WriteOwnedAsync(tracked, tracked.Bytes, worker, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_tracker is not null) await _tracker.DisposeAsync().ConfigureAwait(false);
    }
}
