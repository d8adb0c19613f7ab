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
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Graph;

/// <summary>Builds and runs the streaming graph in-process on test-pattern videos, with small buffers so their bounds bite.</summary>
internal sealed class GraphHarness : IDisposable
{
    private readonly TempDir _dir = new();

    public GraphHarness() => Directory.CreateDirectory(File("data"));

    public string File(string name) => _dir.File(name);

    public PipelineOptions Options { get; set; } = null!;

    /// <summary>What the graph logged (retries, failures, per-video lines).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

    /// <summary><paramref name="count"/> different test-pattern videos of 20 + i frames, 64 × 48.</summary>
    public void Videos(int count)
    {
        for (int i = 0; i < count; i++)
        {
            string path = File($"data/v{i:D3}.mp4");
            if (!System.IO.File.Exists(path)) Ffmpeg.TestPattern(path, 64, 48, 24, 20 + i);
        }

        Options = new PipelineOptions
        {
            Corpus = new CorpusOptions { Root = File("data"), Include = ["*.mp4"] },
            Decode = new DecodeOptions { Fps = 24, Resize = ResizeMode.Stretch, Width = 48, Height = 48 },
            Clips = new ClipOptions { FramesPerClip = 4, Stride = 2, ClipsPerVideo = 2 },
            Tracker = new TrackerOptions { Name = "lk", Grid = 4, BatchSize = 2 },
            Cache = new CacheOptions { Dir = File("cache") },
            Trainer = new TrainerOptions { ShuffleClips = 2, Epochs = 1 },
            Runtime = new RuntimeOptions { Buffers = new BufferOptions { Clips = 2, FrameMegabytes = 16 } },
        };
    }

    /// <summary>Builds the graph of <paramref name="mode"/> over the corpus; <see cref="Built.RunAsync"/> runs it.</summary>
    public async Task<Built> BuildAsync(RunMode mode, IClipTrainer? trainer, ShardSpec? shard = null, IStorageFaults? faults = null, IReadOnlySet<string>? seen = null)
    {
        var stats = new PipelineStats();
        var listing = CorpusDiscovery.Discover(Options.Corpus, Options.Corpus.ResolvedRoot);
        TrajectoryCache cache = TrajectoryCache.Open(Options.Cache.Dir, new TrajectoryCacheOptions { Faults = faults });
        IReadOnlyDictionary<string, string?> samples = cache.RecordedSamples();
        var plan = await CorpusPlan.BuildAsync(listing.Videos, HashIndex.Load(cache.Dir), shard ?? ShardSpec.All, h => samples.GetValueOrDefault(h), TimeSpan.FromMinutes(1), default);
        QuerySpec queries = QuerySpec.Grid(Options.Tracker.Grid);
        TrackSet set = TrackSets.For(Options, TrackerFactory.Identity(Options.Tracker), queries);
        var failures = new FailureLog(Options.Runtime.MaxConsecutiveFailures, Log.Enqueue, _ => { });
        var g = new GraphContext(Options, mode, cache, set, queries, cache.FinishedClipVideos(set), stats, failures, Log.Enqueue)
        {
            StreamToTrainer = trainer is not null,
            Seen = seen ?? new HashSet<string>(),
        };
        var graph = new StreamingGraph(g, trainer, () => TrackerFactory.Create(Options.Tracker, 1), () => ReplayClips(cache, set, plan));
        return new Built(graph, g, plan, set, cache);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Every cached clip of the plan's videos, in key order, as the runner lists them for later epochs.</summary>
    public static IReadOnlyList<ReplayClip> ReplayClips(TrajectoryCache cache, TrackSet set, CorpusPlan plan)
    {
        var videos = plan.Videos.ToDictionary(v => v.Hash, StringComparer.Ordinal);
        return cache.FinishedClipVideos(set).Where(c => videos.ContainsKey(c.Value)).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new ReplayClip(c.Key, videos[c.Value])).ToArray();
    }

    internal sealed record Built(StreamingGraph Graph, GraphContext Context, CorpusPlan Plan, TrackSet Set, TrajectoryCache Cache)
    {
        public Task<GraphOutcome> RunAsync(CancellationTokenSource? stopping = null) => Graph.RunAsync(Plan.Videos, stopping ?? new CancellationTokenSource(), default);
    }
}

/// <summary>A trainer that records what it is fed (keys, data order, a hash of each clip's pixels), optionally waiting on a gate before taking each clip.</summary>
internal sealed class RecordingTrainer(SemaphoreSlim? gate = null, DataStart? resume = null) : IClipTrainer
{
    private readonly List<string> _keys = [];
    private readonly List<(int Epoch, int Slot, string Key)> _order = [];
    private readonly Dictionary<string, string> _pixels = [];

    public DataStart Resume { get; } = resume ?? new(0, 0);

    /// <summary>Every clip as (epoch, slot, key), in the order it came.</summary>
    public IReadOnlyList<(int Epoch, int Slot, string Key)> Order
    {
        get
        {
            lock (_keys) return [.. _order];
        }
    }

    /// <summary>SHA-256 of each clip's frames, by key.</summary>
    public IReadOnlyDictionary<string, string> Pixels
    {
        get
        {
            lock (_keys) return new Dictionary<string, string>(_pixels);
        }
    }

    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_keys) return [.. _keys];
        }
    }

    public bool Ended { get; private set; }

    public bool Interrupted { get; private set; }

    public void Add(ReadyClip clip)
    {
        gate?.Wait();
        using (clip)
        {
            Assert.Equal(clip.Tracks.Frames, clip.Pixels.Frames.Count);
            string hash = PixelHash(clip.Pixels);
            lock (_keys)
            {
                _keys.Add(clip.Tracks.ClipKey);
                _order.Add((clip.Epoch, clip.Slot, clip.Tracks.ClipKey));
                _pixels[clip.Tracks.ClipKey] = hash;
            }
        }
    }

    public void EndOfData() => Ended = true;

    /// <summary>SHA-256 over a clip's frames, each exactly its bytes.</summary>
    public static string PixelHash(ClipPixels pixels)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        for (int i = 0; i < pixels.Frames.Count; i++) sha.AppendData(pixels.Frame(i).Span);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public void Interrupt() => Interrupted = true;
}
