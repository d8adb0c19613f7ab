using System.Globalization;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Sample;

/// <summary>
/// Routes the clips decode cut: a clip to track goes to the tracker; a cached clip goes to the trainer with its cached
/// tracks (read once per video), or to the tracker when its part turns out unreadable. A video's tally, after its
/// last clip, closes it: counted, logged, the failure streak reset. Several decode workers interleave their videos'
/// pieces, so what is kept per video (its cached tracks) is kept for the videos in flight only. When a trainer reads
/// the stream, each video ends with the places of its clips trained before a resume and a count of its entries, so
/// the plan order knows when it has them all.
/// </summary>
internal sealed class SampleStep(GraphContext g, Pipe<ClipWork>? misses, Pipe<StreamEntry>? hits)
{
    private readonly Dictionary<string, InFlight> _videos = new(StringComparer.Ordinal);

    public async ValueTask RunAsync(DecodedWork work, StageWorker worker, CancellationToken ct)
    {
        if (!_videos.TryGetValue(work.Video.Hash, out InFlight? video)) _videos[work.Video.Hash] = video = new InFlight();
        if (work.Tally is { } tally)
        {
            _videos.Remove(work.Video.Hash);
            Close(work.Video, tally, video.Retracked);
            await EndAsync(work.Video, video.Sent, tally.Trained, worker, ct).ConfigureAwait(false);
            return;
        }

        if (work.Clip is null)
        {
            // The video failed (perhaps after some of its clips went on): nothing more will come for it.
            _videos.Remove(work.Video.Hash);
            await EndAsync(work.Video, video.Sent, [], worker, ct).ConfigureAwait(false);
            return;
        }

        ClipWork clip = work.Clip!;
        if (clip.Cached)
        {
            video.Tracks ??= await CachedAsync(work.Video.Hash, ct).ConfigureAwait(false);
            if (video.Tracks.TryGetValue(clip.Key, out CachedClip? tracks))
            {
                var ready = StreamEntry.Of(clip, new ReadyClip(work.Video.Source.Path, tracks, clip.Pixels, 0, ReadyClip.ArrivalSlot));
                video.Sent++;
                await hits!.WriteOwnedAsync(ready, ready.Bytes, worker, ct).ConfigureAwait(false);
                return;
            }

            // Named by the manifest but unreadable (a damaged part): track it again where this run tracks.
            if (misses is null)
            {
                Interlocked.Increment(ref g.Uncached);
                clip.Dispose();
                return;
            }

            video.Retracked++;
            clip = clip with { Cached = false };
        }

        video.Sent++;
        await misses!.WriteOwnedAsync(clip, clip.Pixels.Bytes, worker, ct).ConfigureAwait(false);
    }

    /// <summary>Drops what is kept for videos whose tally never came (a failed or stopped run).</summary>
    public void Release() => _videos.Clear();

    // Tracked clips come back through write, as clips or as lost: the count covers them too.
    private async ValueTask EndAsync(VideoWork video, int sent, IReadOnlyList<int> trained, StageWorker worker, CancellationToken ct)
    {
        if (hits is null) return;
        foreach (int clip in trained) await hits.WriteAsync(new StreamEntry(video.Order, clip, StreamEntryKind.Trained), 0, worker, ct).ConfigureAwait(false);
        await hits.WriteAsync(new StreamEntry(video.Order, -1, StreamEntryKind.VideoEnd, Count: sent + trained.Count), 0, worker, ct).ConfigureAwait(false);
    }

    private void Close(VideoWork video, VideoTally tally, int retracked)
    {
        g.Stats.Run.Cached(tally.Cached - retracked);
        g.Stats.Run.VideoDone();
        g.Failures.Succeeded();
        if (tally.Note is { } note) g.Log($"  {video.Source.Name}: {note}");
        g.Log(string.Create(CultureInfo.InvariantCulture,
            $"  {video.Source.Name}: {tally.Frames} frames, {tally.Clips} clips ({tally.ToTrack + retracked} to track, {tally.Cached - retracked} cached)"));
    }

    private sealed class InFlight
    {
        public Dictionary<string, CachedClip>? Tracks { get; set; }

        public int Retracked { get; set; }

        /// <summary>Entries sent on: cache hits to the trainer, clips to the tracker.</summary>
        public int Sent { get; set; }
    }

    // A read that still fails after the retries leaves the clips out of the dictionary: they are tracked again.
    private async Task<Dictionary<string, CachedClip>> CachedAsync(string videoHash, CancellationToken ct)
    {
        try
        {
            return await g.Storage.ExecuteAsync(async token =>
            {
                var clips = new Dictionary<string, CachedClip>(StringComparer.Ordinal);
                await foreach (CachedClip clip in g.Cache.ReadAsync(g.Set, videoHash, g.PartUnreadable, token).ConfigureAwait(false)) clips[clip.ClipKey] = clip;
                return clips;
            }, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            g.Log($"  cached tracks of {videoHash[..12]} unreadable ({e.Message}): tracking them again");
            return new Dictionary<string, CachedClip>(StringComparer.Ordinal);
        }
    }
}
