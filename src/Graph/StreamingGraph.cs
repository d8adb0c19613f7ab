using MoSiC.Stream.Graph.Batch;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Graph.Decode;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Graph.Replay;
using MoSiC.Stream.Graph.Sample;
using MoSiC.Stream.Graph.Shuffle;
using MoSiC.Stream.Graph.Track;
using MoSiC.Stream.Graph.Train;
using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Graph;

/// <summary>How a graph run ended.</summary>
/// <param name="Stopped">A stop was requested (Ctrl-C, SIGTERM, the failure breaker): work in flight was finished, the rest left for a rerun.</param>
/// <param name="Fault">The error of the stage whose machinery failed, which stopped the run; null otherwise.</param>
public sealed record GraphOutcome(bool Stopped, Exception? Fault);

/// <summary>
/// The streaming graph of one run, as docs/runner.md draws it:
/// <code>
/// discover → decode → sample ─miss→ batch → track → write ─┐
///                        └──hit (cached tracks)────────────┴→ shuffle → train ← replay (epochs after the first)
/// </code>
/// The shuffle takes the stream in plan order (<see cref="PlanOrder"/>), whatever order its two paths deliver in, and
/// discover lets a video in only while the order has room, so the trainer sees the same clips in the same order in
/// every run of the same pipeline and corpus, however often it was killed and resumed.
/// Every arrow is a <see cref="Pipe{T}"/> bounded in items and, where it carries frames, in bytes. Track mode has no
/// shuffle, replay or train; train mode has no batch, track or write. The graph owns completion (a buffer completes
/// when all its writers have), cancellation (one pipeline-wide abort; a stop request only stops new videos entering)
/// and failure (a bad video is a record; a failing stage aborts the run with its error).
/// </summary>
public sealed class StreamingGraph
{
    private readonly GraphContext _g;
    private readonly IClipTrainer? _session;
    private readonly Func<IPointTracker> _tracker;
    private readonly Func<IReadOnlyList<ReplayClip>> _replayClips;
    private readonly Pipe<VideoWork> _videos;
    private readonly Pipe<DecodedWork> _decoded;
    private readonly Pipe<ClipWork>? _clips;
    private readonly Pipe<IReadOnlyList<ClipWork>>? _batches;
    private readonly Pipe<TrackedBatch>? _tracked;
    private readonly Pipe<StreamEntry>? _ready;
    private readonly PlanOrder? _order;
    private readonly Pipe<ReadyClip>? _train;
    private readonly List<IPipe> _pipes = [];

    public StreamingGraph(GraphContext g, IClipTrainer? session, Func<IPointTracker> tracker, Func<IReadOnlyList<ReplayClip>> replayClips)
    {
        (_g, _session, _tracker, _replayClips) = (g, session, tracker, replayClips);
        var buffers = g.Options.Runtime.Buffers;
        long frameBytes = buffers.FrameMegabytes * (1L << 20);
        int clips = buffers.Clips, workers = g.Options.Runtime.Threads.DecodeWorkers;
        PipelineStats stats = g.Stats;
        // Decode hands on clips, never whole videos: each clip buffer gets an eighth of the frame budget. The decoded
        // buffer has room for one tally per decode worker on top of its clips.
        _videos = Add(new Pipe<VideoWork>(stats, "discover→decode", workers));
        _decoded = Add(new Pipe<DecodedWork>(stats, "decode→sample", clips + workers, frameBytes / 8));
        if (g.Mode != RunMode.Train)
        {
            _clips = Add(new Pipe<ClipWork>(stats, "sample→batch", clips, frameBytes / 8));
            _batches = Add(new Pipe<IReadOnlyList<ClipWork>>(stats, "batch→track", 2, frameBytes / 8));
            _tracked = Add(new Pipe<TrackedBatch>(stats, "track→write", 2, frameBytes / 8));
        }

        if (session is not null)
        {
            if (g.StreamToTrainer)
            {
                _ready = Add(new Pipe<StreamEntry>(stats, "sample+write→shuffle", clips, frameBytes / 8, writers: g.Mode == RunMode.Train ? 1 : 2));
                // Room for the videos decode works on and enough after them to fill the clip buffers while one waits.
                int perVideo = Math.Max(1, g.Options.Clips.ClipsPerVideo);
                _order = new PlanOrder(workers + 1 + (clips + perVideo - 1) / perVideo);
            }

            _train = Add(new Pipe<ReadyClip>(stats, "shuffle+replay→train", clips, frameBytes / 8, writers: g.StreamToTrainer ? 2 : 1));
        }
    }

    /// <summary>Every buffer of the graph, in flow order.</summary>
    public IReadOnlyList<IPipe> Pipes => _pipes;

    /// <summary>Parts the write stage added to the cache.</summary>
    public int PartsWritten { get; private set; }

    /// <summary>Point-frames the tracker computed.</summary>
    public double PointFrames { get; private set; }

    /// <summary>Runs <paramref name="videos"/> through the graph until done, stopped (<paramref name="stopping"/>) or aborted (<paramref name="abort"/>, or a stage failing).</summary>
    public async Task<GraphOutcome> RunAsync(IReadOnlyList<VideoWork> videos, CancellationTokenSource stopping, CancellationToken abort)
    {
        videos = [.. videos.Select((v, i) => v with { Order = i })];
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(abort);
        CancellationToken ct = failed.Token;
        PipelineStats stats = _g.Stats;
        var decode = new DecodeStep(_g, _decoded, stopping.Token);
        var sample = new SampleStep(_g, _clips, _ready);
        var batch = new BatchStep(_batches!, _g.Options.Tracker.BatchSize, _order is null ? null : () => _order.Full);
        var write = new WriteStep(_g, _ready);
        using PlanOrder? order = _order;
        var shuffle = order is null ? null : new ShuffleStep(_train!, order, _g.Options.Trainer.ShuffleClips, _g.Options.Trainer.Seed);
        await using var track = new TrackStep(_g, _tracker, _tracked!);
        var tasks = new List<Task>
        {
            Stage.Source(stats.Stage("discover", 1), [_videos], async (worker, token) =>
            {
                foreach (VideoWork video in videos)
                {
                    if (stopping.IsCancellationRequested || !await EnterAsync(order, worker, stopping.Token, token).ConfigureAwait(false)) break;
                    await _videos.WriteAsync(video, 0, worker, token).ConfigureAwait(false);
                }
            }, ct),
            Stage.Run(stats.Stage("decode", _g.Options.Runtime.Threads.DecodeWorkers), _videos, [_decoded], decode.RunAsync, ct),
            Stage.Run(stats.Stage("sample", 1), _decoded, Outputs(_clips, _ready), sample.RunAsync, ct),
        };
        // The stream is done when its last stage is: later epochs replay every clip it cached.
        Task streamed = tasks[^1];
        if (_clips is not null)
        {
            tasks.Add(Stage.Source(stats.Stage("batch", 1), [_batches!], (worker, token) => batch.RunAsync(_clips, worker, token), ct));
            tasks.Add(Stage.Run(stats.Stage("track", 1), _batches!, [_tracked!], track.RunAsync, ct));
            tasks.Add(streamed = Stage.Run(stats.Stage("write", 1), _tracked!, Outputs(_ready), write.RunAsync, ct));
        }

        if (_session is not null)
        {
            if (shuffle is not null)
            {
                tasks.Add(streamed = Stage.Run(stats.Stage("shuffle", 1), _ready!, [_train!], shuffle.RunAsync, ct, shuffle.FlushAsync));
            }

            // Replay decodes as decode does: on as many workers, in the seeded order all the same.
            int replayWorkers = _g.Options.Runtime.Threads.DecodeWorkers;
            var replayStats = stats.Stage("replay", replayWorkers);
            // Train mode starts from a cache that holds every clip: later epochs can load their first clips during the stream.
            bool ahead = _g.Mode == RunMode.Train;
            tasks.Add(Stage.Source(replayStats, [_train!], async (worker, token) =>
            {
                StageWorker[] workers = [worker, .. Enumerable.Range(1, replayWorkers - 1).Select(_ => new StageWorker(replayStats))];
                if (!ahead)
                {
                    // Later epochs need the whole stream cached first: they replay every clip of it. Until then replay starves.
                    foreach (StageWorker w in workers) w.Clock.Enter(WorkerState.Starved);
                    try
                    {
                        await streamed.ConfigureAwait(false);
                    }
                    finally
                    {
                        foreach (StageWorker w in workers) w.Clock.Enter(WorkerState.Idle);
                    }
                }

                if (stopping.IsCancellationRequested) return;
                var (epoch, slot) = ReplayStart();
                var replay = new ReplayStep(_g, _train!, _replayClips(), _g.Options.Trainer.Seed, stopping.Token);
                await replay.RunAsync(epoch, slot, _g.Options.Trainer.Epochs, workers, new StageWorker(replayStats, counted: false), token,
                    ahead ? streamed : null).ConfigureAwait(false);
            }, ct));
            tasks.Add(Stage.Run(stats.Stage("train", 1), _train!, [], async (clip, _, token) =>
            {
                if (stopping.IsCancellationRequested) clip.Dispose();
                else await OnTrainerAsync(() => _session.Add(clip), token).ConfigureAwait(false);
            }, ct, async (_, token) =>
            {
                if (stopping.IsCancellationRequested) await OnTrainerAsync(_session.Interrupt, token).ConfigureAwait(false);
                else await OnTrainerAsync(_session.EndOfData, token).ConfigureAwait(false);
            }));
        }

        // A stage that fails takes the run down at once: its readers get its error, its writers (which may be waiting
        // on a full buffer nobody will empty) are cancelled.
        foreach (Task task in tasks) _ = task.ContinueWith(_ => failed.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Examined below, task by task.
        }
        finally
        {
            _g.ReleaseClaims();
            sample.Release();
            batch.Release();
            shuffle?.Release();
            foreach (IPipe pipe in _pipes) Release(pipe);
            PartsWritten = write.Parts;
            PointFrames = track.PointFrames;
        }

        Exception? fault = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException())
            .FirstOrDefault(e => e is not OperationCanceledException);
        if (fault is null && abort.IsCancellationRequested) fault = new OperationCanceledException("the run was aborted");
        if (_session is not null && fault is not null && !abort.IsCancellationRequested)
        {
            // Training stopped by another stage's failure still keeps its steps.
            _session.Interrupt();
        }

        return new GraphOutcome(stopping.IsCancellationRequested, fault);
    }

    // Waits, as blocked time, for the plan order to make room for one more video; false when a stop came first.
    private static async ValueTask<bool> EnterAsync(PlanOrder? order, StageWorker worker, CancellationToken stopping, CancellationToken ct)
    {
        if (order is null) return true;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, ct);
        using (worker.In(WorkerState.Blocked))
        {
            try
            {
                await order.EnterAsync(either.Token).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    // The trainer's work (steps, checkpoints) on its own thread when the run has one.
    private async ValueTask OnTrainerAsync(Action work, CancellationToken ct)
    {
        if (_g.TrainThread is { } thread) await thread.RunAsync(work, ct).ConfigureAwait(false);
        else work();
    }

    // The streamed epoch is epoch 0: replay starts at 1 unless a resumed run is already past it.
    private (int Epoch, int Slot) ReplayStart() => _session!.Resume is { Epoch: > 0 } resume ? (resume.Epoch, resume.Slot) : (1, 0);

    private static IReadOnlyList<IPipe> Outputs(params IPipe?[] pipes) => [.. pipes.OfType<IPipe>()];

    private Pipe<T> Add<T>(Pipe<T> pipe)
    {
        _pipes.Add(pipe);
        return pipe;
    }

    private static void Release(IPipe pipe)
    {
        switch (pipe)
        {
            case Pipe<DecodedWork> p: foreach (var item in p.Drain()) item.Dispose(); break;
            case Pipe<ClipWork> p: foreach (var item in p.Drain()) item.Dispose(); break;
            case Pipe<IReadOnlyList<ClipWork>> p: foreach (var item in p.Drain()) foreach (var clip in item) clip.Dispose(); break;
            case Pipe<TrackedBatch> p: foreach (var item in p.Drain()) item.Dispose(); break;
            case Pipe<StreamEntry> p: foreach (var item in p.Drain()) item.Dispose(); break;
            case Pipe<ReadyClip> p: foreach (var item in p.Drain()) item.Dispose(); break;
        }
    }
}
