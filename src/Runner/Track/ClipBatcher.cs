using System.Diagnostics;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Runner.Track;

/// <summary>A clip waiting for the tracker: its video's frames, identity, plan and cache key.</summary>
internal sealed record PendingClip(DecodedVideo Video, string VideoHash, int Index, ClipPlan Plan, string Key);

/// <summary>
/// Gathers clips of the same frame size into batches of B, tracks each full batch, and writes it to the cache as one
/// part. A decoded video is released once all its clips are written.
/// </summary>
internal sealed class ClipBatcher(IPointTracker tracker, QuerySpec queries, TrajectoryCache cache, TrackSet set, int batchSize) : IDisposable
{
    private readonly Dictionary<(int Width, int Height), List<PendingClip>> _waiting = [];
    private readonly Dictionary<DecodedVideo, int> _clipsLeft = [];

    public int TrackedClips { get; private set; }

    public int Batches { get; private set; }

    public double PointFrames { get; private set; }

    public double TrackSeconds { get; private set; }

    /// <summary>Queues <paramref name="clips"/> of <paramref name="video"/>, tracking every batch that fills up.</summary>
    public async Task AddAsync(DecodedVideo video, IReadOnlyList<PendingClip> clips, CancellationToken ct)
    {
        if (clips.Count == 0)
        {
            video.Dispose();
            return;
        }

        _clipsLeft[video] = clips.Count;
        var key = (video.Width, video.Height);
        if (!_waiting.TryGetValue(key, out List<PendingClip>? queue)) _waiting[key] = queue = [];
        foreach (PendingClip clip in clips)
        {
            queue.Add(clip);
            if (queue.Count == batchSize)
            {
                await TrackAsync(queue, ct);
                queue.Clear();
            }
        }
    }

    /// <summary>Tracks what is left, in batches smaller than B.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        foreach (List<PendingClip> queue in _waiting.Values.Where(q => q.Count > 0))
        {
            await TrackAsync(queue, ct);
            queue.Clear();
        }
    }

    private async Task TrackAsync(List<PendingClip> clips, CancellationToken ct)
    {
        DecodedVideo first = clips[0].Video;
        var batch = new ClipBatch(first.Width, first.Height, clips.Select(c =>
            new TrackClip(c.Key, c.Plan.FrameIndices.Select(i => (ReadOnlyMemory<byte>)c.Video.Frames[i].Rgb).ToArray())).ToArray());
        var clock = Stopwatch.StartNew();
        TrackResult result = await tracker.TrackAsync(batch, queries, ct);
        TrackSeconds += clock.Elapsed.TotalSeconds;
        PointFrames += (double)batch.Count * result.Points * (batch.Frames - 1);

        await cache.WriteAsync(set, clips.Select((c, b) => ToCached(c, result, b)).ToArray(), ct);
        TrackedClips += clips.Count;
        Batches++;
        foreach (PendingClip clip in clips)
        {
            if (--_clipsLeft[clip.Video] == 0)
            {
                _clipsLeft.Remove(clip.Video);
                clip.Video.Dispose();
            }
        }
    }

    private CachedClip ToCached(PendingClip clip, TrackResult result, int b) =>
        CachedClips.From(set, result, b, clip.VideoHash, clip.Video.Source.Path, clip.Index, [.. clip.Plan.FrameIndices],
            clip.Plan.FrameIndices.Select(i => clip.Video.Frames[i].Timestamp.TotalSeconds).ToArray(), clip.Video.Width, clip.Video.Height);

    /// <summary>Releases the frames of clips never tracked (an interrupted run).</summary>
    public void Dispose()
    {
        foreach (DecodedVideo video in _clipsLeft.Keys) video.Dispose();
        _clipsLeft.Clear();
        _waiting.Clear();
    }
}
