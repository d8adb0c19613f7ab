using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Replay;

/// <summary>A cached clip a later epoch trains on: its key and the corpus video it came from.</summary>
public sealed record ReplayClip(string Key, VideoWork Video);

/// <summary>
/// The epochs after the streamed one: every cached clip of the run's videos, in the order <see cref="DataOrder"/>
/// derives from the seed and the epoch, from the clip at <c>startSlot</c> of <c>startEpoch</c> on. Tracks come from
/// the cache, pixels from decoding the clip's frames again (only as far as its last frame).
/// </summary>
internal sealed class ReplayStep(GraphContext g, Pipe<ReadyClip> output, IReadOnlyList<ReplayClip> clips, int seed, CancellationToken stopping)
{
    public async Task RunAsync(int startEpoch, int startSlot, int epochs, StageWorker worker, CancellationToken ct)
    {
        for (int epoch = startEpoch; epoch < epochs; epoch++)
        {
            int[] order = DataOrder.Shuffle(clips.Count, seed, epoch);
            for (int slot = epoch == startEpoch ? startSlot : 0; slot < clips.Count; slot++)
            {
                if (stopping.IsCancellationRequested) return;
                ReplayClip clip = clips[order[slot]];
                ReadyClip? ready = null;
                await worker.TimeAsync(async () => ready = await LoadAsync(clip, epoch, slot, ct).ConfigureAwait(false)).ConfigureAwait(false);
                if (ready is null) continue;
                await output.WriteOwnedAsync(ready, ready.Pixels.Bytes, worker, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<ReadyClip?> LoadAsync(ReplayClip clip, int epoch, int slot, CancellationToken ct)
    {
        VideoSource source = clip.Video.Source;
        CachedClip? tracks;
        bool partFailed = false;
        void Skipped(CacheProblem problem)
        {
            partFailed = true;
            g.PartUnreadable(problem);
        }

        try
        {
            tracks = await g.Storage.ExecuteAsync(async token =>
            {
                await foreach (CachedClip c in g.Cache.ReadAsync(g.Set, clip.Video.Hash, Skipped, token).ConfigureAwait(false))
                {
                    if (c.ClipKey == clip.Key) return c;
                }

                return null;
            }, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            g.Failures.Failed(new FailureRecord(source.Path, "train", $"cached clip {clip.Key} could not be read: {e.Message}"));
            return null;
        }

        if (tracks is null && partFailed) return null; // its part is quarantined, recorded once for all its clips
        if (tracks is null)
        {
            g.Failures.Failed(new FailureRecord(source.Path, "train", $"cached clip {clip.Key} could not be read back; run mosic-stream cache verify"));
            return null;
        }

        try
        {
            using DecodedVideo video = await DecodedVideo.LoadAsync(source, g.Options.Decode, tracks.FrameIndices.Max() + 1, g.Options.Runtime.Threads.FfmpegThreads, ct,
                maxBytes: g.Options.Runtime.Buffers.FrameMegabytes * (1L << 20)).ConfigureAwait(false);
            if (video.Width != tracks.Width || video.Height != tracks.Height || video.Frames.Count <= tracks.FrameIndices.Max())
            {
                throw new VideoFailedException(source.Path, "train", $"decodes to {video.Frames.Count} frames of {video.Width}×{video.Height}, " +
                    $"but its cached clip needs {tracks.FrameIndices.Max() + 1} frames of {tracks.Width}×{tracks.Height}; run mosic-stream track again");
            }

            var plan = new ClipPlan(tracks.FrameIndices[0], 1, tracks.FrameIndices);
            g.Failures.Succeeded();
            return new ReadyClip(source.Path, tracks, ClipPixels.Copy(video, plan), epoch, slot);
        }
        catch (VideoFailedException e)
        {
            // One broken video never stops a run: its clip leaves this batch, the others train.
            g.Failures.Failed(e.Record);
            return null;
        }
    }
}
