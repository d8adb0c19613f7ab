using MoSiC.Stream.Graph;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Graph.Train;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Graph;

/// <summary>The streaming graph in-process: its bounds, its backpressure, its failures and its modes, on real decoded videos.</summary>
public sealed class StreamingGraphTests : IDisposable
{
    private readonly GraphHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Every_buffer_of_every_mode_is_bounded_in_items_and_frame_buffers_in_bytes()
    {
        _h.Videos(1);
        long budget = _h.Options.Runtime.Buffers.FrameMegabytes * (1L << 20);
        foreach (var (mode, trainer) in new (RunMode, IClipTrainer?)[] { (RunMode.Run, new RecordingTrainer()), (RunMode.Track, null), (RunMode.Train, new RecordingTrainer()) })
        {
            var built = await _h.BuildAsync(mode, trainer);
            IReadOnlyList<IPipe> pipes = built.Graph.Pipes;
            Assert.NotEmpty(pipes);
            Assert.All(pipes, p => Assert.InRange(p.Capacity, 1, 64));
            // Everything after discovery carries frames: bounded in bytes too, within the frame budget.
            Assert.All(pipes.Where(p => p.Name != "discover→decode"), p => Assert.InRange(p.ByteCapacity ?? long.MaxValue, 1, budget));
            string[] names = [.. pipes.Select(p => p.Name)];
            Assert.Equal(mode != RunMode.Train, names.Contains("batch→track"));
            Assert.Equal(mode != RunMode.Track, names.Contains("shuffle+replay→train"));
        }
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [Fact]
    public async Task A_stalled_trainer_makes_the_graph_wait_with_every_buffer_within_its_bounds()
    {
        _h.Videos(30);
        using var gate = new SemaphoreSlim(0);
        var trainer = new RecordingTrainer(gate);
        var built = await _h.BuildAsync(RunMode.Run, trainer);
        Task<GraphOutcome> run = built.RunAsync();

        // The trainer takes nothing, so the buffers fill, the plan order's window fills, and discover must wait for
        // room before it lets another video in. Wait until neither discover nor decode makes progress for three times
        // as long as a video takes to decode (at least 2 s): a fixed quiet spell is not enough on a loaded machine,
        // where decoding one video can take longer (and a blocked wait is only charged when it ends, so the blocked
        // time cannot be watched directly).
        PipelineStats stats = built.Context.Stats;
        StageSnapshot Stage(string name) => stats.Stages.Single(s => s.Name == name).Snapshot();
        StageSnapshot Decode() => Stage("decode");
        TimeSpan Quiet() => TimeSpan.FromSeconds(Math.Max(2, 3 * Decode().BusySeconds / Math.Max(1, Decode().ItemsIn)));
        long last = -1;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        while (quiet.Elapsed < Quiet())
        {
            long progress = Decode().ItemsOut + Stage("discover").ItemsOut;
            if (progress != last) quiet.Restart();
            last = progress;
            Assert.False(run.IsCompleted, "the run ended although the trainer took nothing");
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(5), "decode never came to wait for room downstream");
            await Task.Delay(100);
        }

        // Decode hands on clips (and a tally per video), so its videos taken are the measure of how far it ran ahead.
        Assert.InRange(Decode().ItemsIn, 1, 20);
        foreach (QueueSnapshot q in stats.Snapshot().Queues)
        {
            Assert.InRange(q.Count, 0, q.Capacity);
            Assert.InRange(q.Bytes, 0, q.ByteCapacity ?? 0);
        }

        gate.Release(1000);
        GraphOutcome outcome = await run.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Null(outcome.Fault);
        Assert.Equal(60, trainer.Keys.Count);
        Assert.Equal(60, trainer.Keys.Distinct().Count());
        Assert.True(trainer.Ended);
        Assert.True(Stage("discover").BlockedSeconds > 0.5, "discover never waited for room downstream");
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [Fact]
    public async Task A_broken_video_becomes_a_failure_record_and_the_rest_trains()
    {
        _h.Videos(3);
        File.WriteAllBytes(_h.File("data/v900.mp4"), []);
        var bytes = new byte[20_000];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(_h.File("data/v901.mp4"), bytes);
        var trainer = new RecordingTrainer();
        var built = await _h.BuildAsync(RunMode.Run, trainer);
        GraphOutcome outcome = await built.RunAsync();

        Assert.Null(outcome.Fault);
        Assert.False(outcome.Stopped);
        Assert.Equal(6, trainer.Keys.Count);
        var failures = built.Context.Failures.Records.OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
        Assert.Equal(2, failures.Length);
        Assert.EndsWith("v900.mp4", failures[0].Path);
        Assert.Contains("empty file", failures[0].Reason);
        Assert.EndsWith("v901.mp4", failures[1].Path);
        Assert.Equal(2, built.Context.Stats.Run.Snapshot().VideosFailed);
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [Fact]
    public async Task Track_mode_caches_every_clip_and_train_mode_then_feeds_them_without_a_tracker()
    {
        _h.Videos(4);
        var tracked = await _h.BuildAsync(RunMode.Track, null);
        Assert.Null((await tracked.RunAsync()).Fault);
        Assert.Equal(8, tracked.Cache.FinishedClips(tracked.Set).Count);

        var trainer = new RecordingTrainer();
        var built = await _h.BuildAsync(RunMode.Train, trainer);
        var graph = new StreamingGraph(built.Context, trainer, () => throw new InvalidOperationException("the tracker was built"), () => []);
        GraphOutcome outcome = await graph.RunAsync(built.Plan.Videos, new CancellationTokenSource(), default);
        Assert.Null(outcome.Fault);
        Assert.Equal(tracked.Cache.FinishedClips(tracked.Set).Order(StringComparer.Ordinal), trainer.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(8, built.Context.Stats.Run.Snapshot().ClipsCached);
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [Fact]
    public async Task A_failing_stage_stops_the_run_with_its_error()
    {
        _h.Videos(4);
        var built = await _h.BuildAsync(RunMode.Track, null);
        var graph = new StreamingGraph(built.Context, null, () => throw new InvalidOperationException("tracker machinery broke"), () => []);
        GraphOutcome outcome = await graph.RunAsync(built.Plan.Videos, new CancellationTokenSource(), default).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.IsType<InvalidOperationException>(outcome.Fault);
        Assert.Equal("tracker machinery broke", outcome.Fault!.Message);
        Assert.Empty(built.Cache.FinishedClips(built.Set));
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [Fact]
    public async Task Shards_split_the_corpus_by_content_hash_and_together_cover_it_once()
    {
        _h.Videos(12);
        var shard0 = await _h.BuildAsync(RunMode.Track, null, new ShardSpec(0, 2));
        var shard1 = await _h.BuildAsync(RunMode.Track, null, new ShardSpec(1, 2));
        var first = shard0.Plan.Videos.Select(v => v.Hash).ToHashSet();
        var second = shard1.Plan.Videos.Select(v => v.Hash).ToHashSet();
        Assert.Empty(first.Intersect(second));
        Assert.Equal(12, first.Count + second.Count);
        Assert.NotEmpty(first);
        Assert.NotEmpty(second);
        Assert.Equal(second.Count, shard0.Plan.OtherShards);
    }
}
