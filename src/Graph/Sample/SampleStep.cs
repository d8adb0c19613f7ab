using System.Globalization;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Sample;

/// <summary>
/// Routes the clips decode cut: a clip to track goes to the tracker; a cached clip goes to the trainer with its cached
/// tracks (read once per video), or to the tracker when its part turns out unreadable. A video's tally, after its
/// last clip, closes it: counted, logged, the failure streak reset. Several decode workers interleave their videos'
/// pieces, so what is kept per video (its cached tracks) is kept for the videos in flight only.
/// </summary>
internal sealed class SampleStep(GraphContext g, Pipe<ClipWork>? misses, Pipe<ReadyClip>? hits)
{
    private readonly Dictionary<string, InFlight> _videos = new(StringComparer.Ordinal);

    public async ValueTask RunAsync(DecodedWork work, StageWorker worker, CancellationToken ct)
    {
        if (!_videos.TryGetValue(work.Video.Hash, out InFlight? video)) _videos[work.Video.Hash] = video = new InFlight();
        if (work.Tally is { } tally)
        {
            _videos.Remove(work.Video.Hash);
            Close(work.Video, tally, video.Retracked);
            return;
        }

        if (work.Clip is null)
        {
            // The video failed after some of its clips went on: nothing more will come for it.
            _videos.Remove(work.Video.Hash);
            return;
        }

        ClipWork clip = work.Clip!;
        if (clip.Cached)
        {
            video.Tracks ??= await CachedAsync(work.Video.Hash, ct).ConfigureAwait(false);
            if (video.Tracks.TryGetValue(clip.Key, out CachedClip? tracks))
            {
                var ready = new ReadyClip(work.Video.Source.Path, tracks, clip.Pixels, 0, ReadyClip.ArrivalSlot);
                await hits!.WriteOwnedAsync(ready, ready.Pixels.Bytes, worker, ct).ConfigureAwait(false);
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

        await misses!.WriteOwnedAsync(clip, clip.Pixels.Bytes, worker, ct).ConfigureAwait(false);
    }

    /// <summary>Drops what is kept for videos whose tally never came (a failed or stopped run).</summary>
    public void Release() => _videos.Clear();

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
