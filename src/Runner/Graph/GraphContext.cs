using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Runner.Graph.Profiling;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Runner.Graph;

/// <summary>What every step of one run shares: settings, the cache and its track set, the finished-clip index, counters and the failure log.</summary>
internal sealed class GraphContext(PipelineOptions options, RunMode mode, TrajectoryCache cache, TrackSet set, QuerySpec queries,
    IReadOnlyDictionary<string, string> finished, PipelineStats stats, FailureLog failures, Action<string> log)
{
    private readonly HashSet<string> _finished = [.. finished.Keys];
    private readonly Lock _lock = new();

    public PipelineOptions Options { get; } = options;

    public RunMode Mode { get; } = mode;

    public TrajectoryCache Cache { get; } = cache;

    public TrackSet Set { get; } = set;

    public QuerySpec Queries { get; } = queries;

    public PipelineStats Stats { get; } = stats;

    public FailureLog Failures { get; } = failures;

    public Action<string> Log { get; } = log;

    /// <summary>Retries around cache reads and writes.</summary>
    public Polly.ResiliencePipeline Storage { get; } = Resilience.StorageResilience.Create(options.Runtime.StorageRetries, log);

    /// <summary>Whether the stream's clips go on to the trainer (not in track mode, nor when a resumed run is past its streamed epoch).</summary>
    public bool StreamToTrainer { get; init; }

    /// <summary>Clips a resumed run already trained on in its streamed epoch: they are not fed again.</summary>
    public IReadOnlySet<string> Seen { get; init; } = new HashSet<string>();

    /// <summary>Clips of the set found missing in the cache in train mode (they need a track run).</summary>
    public int Uncached;

    public bool IsFinished(string key)
    {
        lock (_lock) return _finished.Contains(key);
    }

    public void MarkFinished(IEnumerable<string> keys)
    {
        lock (_lock) _finished.UnionWith(keys);
    }
}
