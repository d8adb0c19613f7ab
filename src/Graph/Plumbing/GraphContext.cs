using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>What every step of one run shares: settings, the cache and its track set, the finished-clip index, counters and the failure log.</summary>
public sealed class GraphContext(PipelineOptions options, RunMode mode, TrajectoryCache cache, TrackSet set, QuerySpec queries,
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
    public Polly.ResiliencePipeline Storage { get; } = StorageResilience.Create(options.Runtime.StorageRetries, log);

    /// <summary>Whether the stream's clips go on to the trainer (not in track mode, nor when a resumed run is past its streamed epoch).</summary>
    public bool StreamToTrainer { get; init; }

    /// <summary>
    /// The trainer's own thread: a step takes a core for seconds, and on the thread pool it would hold a pool thread
    /// while the other stages' continuations queue. Null runs the trainer where the train stage runs (tests).
    /// </summary>
    public Core.Threading.DedicatedThreads? TrainThread { get; init; }

    /// <summary>Clips a resumed run already trained on in its streamed epoch: they are not fed again.</summary>
    public IReadOnlySet<string> Seen { get; init; } = new HashSet<string>();

    /// <summary>Clips of the set found missing in the cache in train mode (they need a track run).</summary>
    public int Uncached;

    /// <summary>Cache parts that failed to read in this run (each quarantined by the cache and recorded once).</summary>
    public int PartsUnreadable;

    private readonly HashSet<string> _unreadable = new(StringComparer.Ordinal);

    private readonly List<Storage.Cache.Claims.VideoClaim> _claims = [];
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedVideo> _records = new(cache.Videos(set), StringComparer.Ordinal);

    /// <summary>
    /// Claims a video for tracking, so a concurrent run on the same cache leaves it alone; false when another run
    /// holds it (true again when this run already does). Then reloads the finished clips, in case another run
    /// finished some of them since this one started.
    /// </summary>
    public bool TryClaim(string videoHash)
    {
        lock (_lock)
        {
            if (_claimed.Contains(videoHash)) return true;
        }

        Storage.Cache.Claims.VideoClaim? claim;
        try
        {
            claim = Cache.TryClaim(Set, videoHash);
        }
        catch (Core.Files.UnsafeFileException e)
        {
            // A link where the claims folder should be: this run cannot claim, so it tracks nothing rather than write elsewhere.
            Log($"  cannot claim video {videoHash[..12]} for tracking: {e.Message}");
            return false;
        }

        if (claim is null) return false;
        lock (_lock)
        {
            _claims.Add(claim);
            _claimed.Add(videoHash);
        }

        MarkFinished(Cache.FinishedClips(Set, videoHash));
        return true;
    }

    /// <summary>Gives back every claim (the run is over, its clips written or abandoned).</summary>
    public void ReleaseClaims()
    {
        lock (_lock)
        {
            _claims.ForEach(c => c.Dispose());
            _claims.Clear();
            _claimed.Clear();
        }
    }

    /// <summary>A video failed: counted, and recorded (which may trip the breaker).</summary>
    public void VideoFailed(Core.Media.FailureRecord record)
    {
        Stats.Run.VideoFailed();
        Failures.Failed(record);
    }

    /// <summary>
    /// A cache part could not be read (the cache has quarantined it): recorded and counted once per part, like a failed
    /// video, and the run goes on without its clips. Pass it as <see cref="TrajectoryCache.ReadAsync(TrackSet, string?, Action{CacheProblem}?, CancellationToken)"/>'s callback.
    /// </summary>
    public void PartUnreadable(CacheProblem problem)
    {
        lock (_lock)
        {
            if (!_unreadable.Add(problem.Path)) return;
        }

        Interlocked.Increment(ref PartsUnreadable);
        Failures.Failed(new Core.Media.FailureRecord(problem.Path, "cache", $"{problem.Kind}: {problem.Detail}"));
    }

    /// <summary>
    /// The video's cached plan record when every clip it names is finished (so the plan and its tracks agree), else
    /// null: the video is planned from the probe again.
    /// </summary>
    public CachedVideo? IntactRecord(string videoHash)
    {
        CachedVideo? record;
        lock (_lock)
        {
            if (!_records.TryGetValue(videoHash, out record)) return null;
            return record.Clips.All(c => _finished.Contains(c.Key)) ? record : null;
        }
    }

    /// <summary>A plan record this run wrote.</summary>
    public void Recorded(CachedVideo record)
    {
        lock (_lock) _records[record.VideoHash] = record;
    }

    public bool IsFinished(string key)
    {
        lock (_lock) return _finished.Contains(key);
    }

    public void MarkFinished(IEnumerable<string> keys)
    {
        lock (_lock) _finished.UnionWith(keys);
    }
}
