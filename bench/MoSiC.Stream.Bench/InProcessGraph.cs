using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Graph.Replay;
using MoSiC.Stream.Graph.Train;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;

namespace MoSiC.Stream.Bench;

/// <summary>A trainer that takes clips and drops them: what the graph can feed when training costs nothing.</summary>
internal sealed class SinkTrainer(DataStart resume) : IClipTrainer
{
    private long _clips;

    public DataStart Resume { get; } = resume;

    public long Clips => Interlocked.Read(ref _clips);

    public void Add(ReadyClip clip)
    {
        clip.Dispose();
        Interlocked.Increment(ref _clips);
    }

    public void EndOfData()
    {
    }

    public void Interrupt()
    {
    }
}

/// <summary>The streaming graph run in this process, wired as the runner wires it, for benchmarks that replace a stage (the trainer by a sink).</summary>
internal static class InProcessGraph
{
    public sealed record Result(GraphOutcome Outcome, PipelineSnapshot Stats, double Seconds);

    /// <summary>Runs the graph of <paramref name="mode"/> over the pipeline's corpus; with <paramref name="replayOnly"/> it decodes nothing and replays the cache (a resumed run past its streamed epoch).</summary>
    public static async Task<Result> RunAsync(PipelineOptions options, RunMode mode, IClipTrainer? trainer, bool replayOnly, CancellationToken ct)
    {
        var stats = new PipelineStats();
        var listing = CorpusDiscovery.Discover(options.Corpus, options.Corpus.ResolvedRoot);
        TrajectoryCache cache = TrajectoryCache.Open(options.Cache.Dir);
        IReadOnlyDictionary<string, string?> samples = cache.RecordedSamples();
        CorpusPlan plan = await CorpusPlan.BuildAsync(listing.Videos, HashIndex.Load(cache.Dir), ShardSpec.All, h => samples.GetValueOrDefault(h),
            TimeSpan.FromSeconds(options.Decode.StallTimeoutSeconds), ct);
        QuerySpec queries = QuerySpec.Grid(options.Tracker.Grid);
        TrackSet set = TrackSets.For(options, TrackerFactory.Identity(options.Tracker), queries);
        var failures = new FailureLog(options.Runtime.MaxConsecutiveFailures, _ => { }, _ => { });
        var g = new GraphContext(options, mode, cache, set, queries, cache.FinishedClipVideos(set), stats, failures, _ => { })
        {
            StreamToTrainer = trainer is not null && !replayOnly,
        };
        var videos = plan.Videos.ToDictionary(v => v.Hash, StringComparer.Ordinal);
        IReadOnlyList<ReplayClip> Replay() => cache.FinishedClipVideos(set).Where(c => videos.ContainsKey(c.Value)).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new ReplayClip(c.Key, videos[c.Value])).ToArray();
        var graph = new StreamingGraph(g, trainer, () => TrackerFactory.Create(options.Tracker, options.Runtime.Threads.Tracker), Replay);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        GraphOutcome outcome = await graph.RunAsync(replayOnly ? [] : plan.Videos, new CancellationTokenSource(), ct);
        return new Result(outcome, stats.Snapshot(), clock.Elapsed.TotalSeconds);
    }
}
