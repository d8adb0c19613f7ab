using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Graph.Shuffle;

/// <summary>
/// The streamed epoch's data order is a function of the pipeline and the corpus alone: the trainer gets the same
/// clips in the same slots whatever the cache already held, however many decode workers interleave, and, after a
/// resume, exactly the rest of that order.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class StreamOrderTests : IDisposable
{
    private readonly GraphHarness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task<IReadOnlyList<(int Epoch, int Slot, string Key)>> RunAsync(string cache, int decodeWorkers, int trackBatch, IReadOnlySet<string>? seen = null)
    {
        PipelineOptions o = _h.Options;
        _h.Options = o with
        {
            Cache = new CacheOptions { Dir = _h.File(cache) },
            Tracker = o.Tracker with { BatchSize = trackBatch },
            Runtime = o.Runtime with { Threads = o.Runtime.Threads with { DecodeWorkers = decodeWorkers } },
        };
        try
        {
            var trainer = new RecordingTrainer();
            var built = await _h.BuildAsync(RunMode.Run, trainer, seen: seen);
            Assert.Null((await built.RunAsync().WaitAsync(TimeSpan.FromMinutes(3))).Fault);
            Assert.True(trainer.Ended);
            return trainer.Order;
        }
        finally
        {
            _h.Options = o;
        }
    }

    [Fact]
    public async Task The_trainer_sees_the_same_order_whatever_was_cached_and_however_decode_interleaves()
    {
        _h.Videos(6);
        _h.Options = _h.Options with { Trainer = _h.Options.Trainer with { ShuffleClips = 4 } };
        var clean = await RunAsync("cache-a", decodeWorkers: 1, trackBatch: 2);
        Assert.Equal(12, clean.Count);
        Assert.Equal(Enumerable.Range(0, 12), clean.Select(c => c.Slot));

        // The same cache again: every clip a hit, none tracked, on two decode workers.
        Assert.Equal(clean, await RunAsync("cache-a", decodeWorkers: 2, trackBatch: 2));

        // A cache holding some videos only: hits overtake the tracked clips unless the order puts them back.
        PipelineOptions o = _h.Options;
        _h.Options = o with { Corpus = o.Corpus with { Include = ["v001.mp4", "v004.mp4"] }, Cache = new CacheOptions { Dir = _h.File("cache-b") } };
        Assert.Null((await (await _h.BuildAsync(RunMode.Track, null)).RunAsync()).Fault);
        _h.Options = o;
        Assert.Equal(clean, await RunAsync("cache-b", decodeWorkers: 2, trackBatch: 3));

        // Resumed after the first five slots were trained: those keep their places and the rest follow as before.
        var seen = clean.Take(5).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(clean.Skip(5), await RunAsync("cache-a", decodeWorkers: 2, trackBatch: 2, seen: seen));
    }

    [Fact]
    public async Task Train_mode_loads_the_next_epoch_ahead_yet_hands_it_on_only_after_the_streamed_one()
    {
        _h.Videos(4);
        Assert.Null((await (await _h.BuildAsync(RunMode.Track, null)).RunAsync()).Fault);
        _h.Options = _h.Options with { Trainer = _h.Options.Trainer with { Epochs = 3 } };
        using var gate = new SemaphoreSlim(0);
        var trainer = new RecordingTrainer(gate);
        var built = await _h.BuildAsync(RunMode.Train, trainer);
        Task<GraphOutcome> run = built.RunAsync();

        // The trainer holds the first clip: the stream cannot end, and replay still loads its first clips.
        StageSnapshot Replay() => built.Context.Stats.Stages.Single(s => s.Name == "replay").Snapshot();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Replay().BusySeconds == 0 && waited.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(50);
        Assert.True(Replay().BusySeconds > 0, "replay loaded nothing while the streamed epoch was in progress");
        gate.Release(1000);
        Assert.Null((await run.WaitAsync(TimeSpan.FromMinutes(3))).Fault);

        var order = trainer.Order;
        Assert.Equal(24, order.Count);
        Assert.Equal(Enumerable.Range(0, 3).SelectMany(e => Enumerable.Range(0, 8).Select(slot => (e, slot))), order.Select(o => (o.Epoch, o.Slot)));
    }

    [Fact]
    public async Task Clips_the_tracker_rejects_are_lost_to_the_order_and_the_rest_still_reach_the_trainer_in_order()
    {
        _h.Videos(5);
        var trainer = new RecordingTrainer();
        var built = await _h.BuildAsync(RunMode.Run, trainer);
        // The tracker rejects any batch holding a clip of v002: without lost entries, the order would wait for them forever.
        var graph = new StreamingGraph(built.Context, trainer, () => new Rejecting(TrackerFactory.Create(_h.Options.Tracker, 1), "v002.mp4"), () => []);
        GraphOutcome outcome = await graph.RunAsync(built.Plan.Videos, new CancellationTokenSource(), default).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Null(outcome.Fault);
        Assert.True(trainer.Ended);
        Assert.Contains(built.Context.Failures.Records, f => f.Path.EndsWith("v002.mp4", StringComparison.Ordinal) && f.Stage == "track");
        // Every clip of the other videos that was not in a rejected batch trains, in consecutive slots.
        var cached = built.Cache.FinishedClipVideos(built.Set);
        string rejected = built.Plan.Videos.Single(v => v.Source.Path.EndsWith("v002.mp4", StringComparison.Ordinal)).Hash;
        Assert.DoesNotContain(rejected, cached.Values);
        Assert.Equal(cached.Keys.Order(StringComparer.Ordinal), trainer.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(trainer.Order.Count, 6, 8);
        Assert.Equal(Enumerable.Range(0, trainer.Order.Count), trainer.Order.Select(o => o.Slot));
    }

    private sealed class Rejecting(IPointTracker inner, string video) : IPointTracker
    {
        public TrackerIdentity Identity => inner.Identity;

        public ValueTask<TrackResult> TrackAsync(ClipBatch batch, QuerySpec queries, CancellationToken ct) =>
            batch.Clips.Any(c => c.Origin?.VideoPath.EndsWith(video, StringComparison.Ordinal) == true)
                ? throw new InvalidDataException($"{video}: rejected by the test")
                : inner.TrackAsync(batch, queries, ct);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
