using System.Globalization;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Sample;

/// <summary>
/// Cuts a decoded video into clips and looks each up in the cache. A miss goes to the tracker (train mode: it is
/// counted and left out); a hit goes straight to the trainer with its cached tracks, or is just counted when nothing
/// trains. The video's frames are released here: clips carry copies of only the frames they use.
/// </summary>
internal sealed class SampleStep(GraphContext g, Pipe<ClipWork>? misses, Pipe<ReadyClip>? hits)
{
    public async ValueTask RunAsync(DecodedWork work, StageWorker worker, CancellationToken ct)
    {
        using var video = work.Frames;
        IReadOnlyList<ClipPlan> plans = ClipSampler.Plan(video.Frames.Count, g.Options.Clips);
        Dictionary<string, CachedClip>? cached = null;
        int toTrack = 0, found = 0;
        // Tracking a video takes its claim first: a concurrent run on the same cache never tracks the same clips.
        string[] keys = [.. plans.Select((p, i) => g.Set.ClipKey(work.Video.Hash, i, p.FrameIndices))];
        bool mayTrack = misses is not null && (keys.All(g.IsFinished) || g.TryClaim(work.Video.Hash));
        if (misses is not null && !mayTrack) g.Log($"  {video.Source.Name}: another run on this cache is tracking it; left to that run");
        for (int i = 0; i < plans.Count; i++)
        {
            ClipPlan plan = plans[i];
            string key = keys[i];
            if (g.IsFinished(key))
            {
                if (!g.StreamToTrainer || g.Seen.Contains(key))
                {
                    found++;
                    continue;
                }

                cached ??= await CachedAsync(work.Video.Hash, ct).ConfigureAwait(false);
                if (cached.TryGetValue(key, out CachedClip? tracks))
                {
                    found++;
                    var ready = new ReadyClip(video.Source.Path, tracks, ClipPixels.Copy(video, plan), 0, ReadyClip.ArrivalSlot);
                    await hits!.WriteOwnedAsync(ready, ready.Pixels.Bytes, worker, ct).ConfigureAwait(false);
                    continue;
                }
                // Named by the manifest but unreadable (a damaged part): track it again.
            }

            if (misses is null)
            {
                Interlocked.Increment(ref g.Uncached);
                continue;
            }

            if (!mayTrack) continue;

            toTrack++;
            double[] times = plan.FrameIndices.Select(f => video.Frames[f].Timestamp.TotalSeconds).ToArray();
            var clip = new ClipWork(work.Video, i, plan, key, times, ClipPixels.Copy(video, plan));
            await misses.WriteOwnedAsync(clip, clip.Pixels.Bytes, worker, ct).ConfigureAwait(false);
        }

        g.Stats.Run.Cached(found);
        g.Stats.Run.VideoDone();
        g.Failures.Succeeded();
        g.Log(string.Create(CultureInfo.InvariantCulture,
            $"  {video.Source.Name}: {video.Frames.Count} frames, {plans.Count} clips ({toTrack} to track, {found} cached)"));
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
