using System.Threading.Tasks.Dataflow;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Graph.Decode;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Decode.Timeline;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Replay;

/// <summary>A cached clip a later epoch trains on: its key and the corpus video it came from.</summary>
public sealed record ReplayClip(string Key, VideoWork Video);

/// <summary>
/// The epochs after the streamed one: every cached clip of the run's videos, in the order <see cref="DataOrder"/>
/// derives from the seed and the epoch, from the clip at <c>startSlot</c> of <c>startEpoch</c> on. Tracks come from
/// the cache, pixels from decoding the clip's frames again (only those: seeking to them when the video's plan record
/// says where they are). Clips load on as many workers as decode has (a Dataflow <see cref="TransformBlock{TInput,TOutput}"/>,
/// bounded, <c>EnsureOrdered</c>), and leave in exactly the seeded order, so a resumed run replays the same data.
/// </summary>
internal sealed class ReplayStep(GraphContext g, Pipe<ReadyClip> output, IReadOnlyList<ReplayClip> clips, int seed, CancellationToken stopping)
{
    private readonly VideoPlanner _planner = new(g);
    private readonly FrameReader _reader = new();

    /// <summary>One clip's place in the data order.</summary>
    private readonly record struct ReplaySlot(int Epoch, int Index, ReplayClip Clip);

    /// <summary>
    /// Replays every epoch from <paramref name="startEpoch"/>, loading on <paramref name="workers"/> at once;
    /// <paramref name="writer"/> hands the ordered clips on. A loader is busy while it loads; between loads it waits for
    /// the block to take more, which it does once the trainer makes room: its blocked time. With <paramref name="after"/>
    /// (the streamed epoch, when the clips to replay are known before it ends), the first clips load at once and go on
    /// only when it is done, so the trainer does not wait for them at the turn of the epoch.
    /// </summary>
    public async Task RunAsync(int startEpoch, int startSlot, int epochs, IReadOnlyList<StageWorker> workers, StageWorker writer, CancellationToken ct, Task? after = null)
    {
        var idle = new System.Collections.Concurrent.ConcurrentQueue<StageWorker>(workers);
        foreach (StageWorker worker in workers) worker.Clock.Enter(WorkerState.Blocked);
        var load = new TransformBlock<ReplaySlot, ReadyClip?>(async slot =>
        {
            // At most MaxDegreeOfParallelism loads run at once, so a worker is always free here.
            idle.TryDequeue(out StageWorker? worker);
            ReadyClip? ready = null;
            try
            {
                await worker!.TimeAsync(async () => ready = await LoadAsync(slot, ct).ConfigureAwait(false)).ConfigureAwait(false);
            }
            finally
            {
                idle.Enqueue(worker!);
            }

            return ready;
        }, new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = workers.Count,
            // Loads in flight plus loaded clips waiting for their turn: bounded, like every buffer of the graph.
            BoundedCapacity = 2 * workers.Count,
            EnsureOrdered = true,
            SingleProducerConstrained = true,
            CancellationToken = ct,
        });

        Task feed = FeedAsync(load, startEpoch, startSlot, epochs, ct);
        try
        {
            while (await load.OutputAvailableAsync(ct).ConfigureAwait(false))
            {
                if (after is not null)
                {
                    await after.WaitAsync(ct).ConfigureAwait(false);
                    after = null;
                    if (stopping.IsCancellationRequested) return;
                }

                while (load.TryReceive(out ReadyClip? ready))
                {
                    if (ready is not null) await output.WriteOwnedAsync(ready, ready.Pixels.Bytes, writer, ct).ConfigureAwait(false);
                }
            }

            await load.Completion.ConfigureAwait(false);
        }
        finally
        {
            load.Complete();
            if (load.TryReceiveAll(out IList<ReadyClip?>? left))
            {
                foreach (ReadyClip? clip in left) clip?.Dispose();
            }

            await feed.ConfigureAwait(false);
            foreach (StageWorker worker in workers) worker.Clock.Enter(WorkerState.Idle);
        }
    }

    // Posts the slots in the seeded order; the bounded block makes this wait while the loaders are ahead.
    private async Task FeedAsync(TransformBlock<ReplaySlot, ReadyClip?> load, int startEpoch, int startSlot, int epochs, CancellationToken ct)
    {
        try
        {
            for (int epoch = startEpoch; epoch < epochs; epoch++)
            {
                int[] order = DataOrder.Shuffle(clips.Count, seed, epoch);
                for (int slot = epoch == startEpoch ? startSlot : 0; slot < clips.Count; slot++)
                {
                    if (stopping.IsCancellationRequested || ct.IsCancellationRequested) return;
                    if (!await load.SendAsync(new ReplaySlot(epoch, slot, clips[order[slot]]), ct).ConfigureAwait(false)) return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run is aborting: the reader's own wait reports it.
        }
        finally
        {
            load.Complete();
        }
    }

    private async Task<ReadyClip?> LoadAsync(ReplaySlot slot, CancellationToken ct)
    {
        ReplayClip clip = slot.Clip;
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
            ClipPixels pixels = await DecodeAsync(clip, tracks, ct).ConfigureAwait(false);
            g.Failures.Succeeded();
            return new ReadyClip(source.Path, tracks, pixels, slot.Epoch, slot.Index);
        }
        catch (Exception e) when (e is VideoFailedException or FrameCountException)
        {
            // One broken video never stops a run: its clip leaves this batch, the others train.
            g.Failures.Failed(e is VideoFailedException failed ? failed.Record
                : new FailureRecord(source.Path, "train", $"its cached clip needs frames {tracks.FrameIndices[0]}–{tracks.FrameIndices.Max()} ({e.Message}); run mosic-stream track again"));
            return null;
        }
    }

    // The clip's frames only: from the start, or from a seek when the video's plan record places the clip far in.
    private async Task<ClipPixels> DecodeAsync(ReplayClip clip, CachedClip tracks, CancellationToken ct)
    {
        VideoSource source = clip.Video.Source;
        ProbeInfo probe = await _planner.ProbeAsync(source, ct).ConfigureAwait(false);
        int first = tracks.FrameIndices.Min(), last = tracks.FrameIndices.Max();
        FrameSeek? seek = first > DecodeSegments.SeekGap && g.IntactRecord(clip.Video.Hash)?.Clips.FirstOrDefault(c => c.Key == clip.Key) is { SeekSeconds: { } seconds, FirstStamp: { } stamp }
            ? new FrameSeek(seconds, stamp)
            : null;
        var plan = new ClipPlan(tracks.FrameIndices[0], 1, tracks.FrameIndices);
        using var assembler = new ClipAssembler([(tracks.ClipIndex, plan)]);
        var segment = seek is null ? new FrameSegment(0, last, null, null) : new FrameSegment(first, last, seek, null);
        await foreach (VideoFrame frame in _reader.ReadAsync(source, probe, g.Options.Decode, g.Options.Runtime.Threads.FfmpegThreads, segment, assembler.Wants, ct).ConfigureAwait(false))
        {
            using (frame)
            {
                foreach (var done in assembler.Add(frame))
                {
                    if (done.Pixels.Width != tracks.Width || done.Pixels.Height != tracks.Height)
                    {
                        done.Pixels.Dispose();
                        throw new VideoFailedException(source.Path, "train", $"decodes to frames of {frame.Width}×{frame.Height}, but its cached clip was tracked at {tracks.Width}×{tracks.Height}; run mosic-stream track again");
                    }

                    return done.Pixels;
                }
            }
        }

        throw new FrameCountException($"the video ended before frame {last}", null);
    }
}
