using System.Globalization;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// <c>mosic-stream run</c> and <c>track</c> as a user runs them: Ctrl-C in the middle and a rerun, shards over one
/// cache. Signals are real (kill -TERM on the child process).
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class RunCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    /// <summary>Test-pattern videos and a pipeline over them, its cache in <paramref name="cache"/>.</summary>
    private string Pipeline(string name, int videos, string cache, int trackBatch = 1, int epochs = 1, string data = "data", int size = 96)
    {
        Directory.CreateDirectory(_dir.File(data));
        for (int i = 0; i < videos; i++)
        {
            string path = _dir.File($"{data}/v{i:D2}.mp4");
            // One length for all, told apart by hue: a corpus that grows in count only.
            if (!File.Exists(path)) Ffmpeg.TestPattern(path, 128, 96, 24, 40, "-vf", $"hue=h={i * 7}");
        }

        File.WriteAllText(_dir.File(name), $$"""
            {
              "corpus": { "root": "{{data}}", "include": ["*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": {{size}}, "height": {{size}} },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "lk", "grid": 8, "batchSize": {{trackBatch}} },
              "cache": { "dir": "{{cache}}" },
              "trainer": { "model": "tiny", "imageSize": 56, "batchSize": 2, "epochs": {{epochs}}, "prototypes": 10, "shuffleClips": 2, "checkpointDir": "ckpt" },
              "runtime": { "threads": { "torch": 1 } }
            }
            """);
        return name;
    }

    private static (int Tracked, int Cached) Counts(string output) => TrackTotals.Parse(output);

    [SkippableFact]
    public void Ctrl_C_or_SIGTERM_mid_track_exits_130_keeps_finished_clips_and_a_rerun_matches_an_uninterrupted_run()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        string p = Pipeline("p.json", 10, "cache");
        string manifest = _dir.File("cache/_manifest");
        using (var run = new RunningCli(_dir.Path, "track", p))
        {
            Assert.True(run.WaitFor(() => Directory.Exists(manifest) && Directory.GetFiles(manifest, "*.json").Length >= 2, TimeSpan.FromMinutes(2)), run.Out + run.Err);
            // SIGTERM, handled exactly like Ctrl-C's SIGINT: a child of a background job inherits SIGINT ignored, SIGTERM never.
            run.Signal("TERM");
            int code = run.Exit(TimeSpan.FromMinutes(2));
            Assert.True(code == 130, $"exit {code}: {run.Out}\n{run.Err}");
            Assert.Contains("stopping: finishing the work in flight", run.Out);
            Assert.Contains("interrupted by SIGTERM; finished work is kept", run.Err);
        }

        Assert.Equal(0, Cli("cache", "verify", p).Code);
        var resumed = Cli("track", p);
        Assert.True(resumed.Code == 0, resumed.Out + resumed.Err);
        var (tracked, cached) = Counts(resumed.Out);
        Assert.Equal(20, tracked + cached);
        Assert.InRange(cached, 2, 19);

        // Every clip once (as many rows as keys), and the same tracks as a run that was never interrupted.
        var list = Cli("cache", "ls", p);
        Assert.Matches(@"\bclips 20\b", list.Out);
        Assert.Matches(@"\brows 20\b", list.Out);
        string clean = Pipeline("clean.json", 10, "clean-cache");
        Assert.Equal((20, 0), Counts(Cli("track", clean).Out));
        var interrupted = ReadAll("cache");
        var uninterrupted = ReadAll("clean-cache");
        Assert.Equal(uninterrupted.Keys.Order(StringComparer.Ordinal), interrupted.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, clip) in uninterrupted)
        {
            Assert.Equal(clip.X, interrupted[key].X);
            Assert.Equal(clip.Y, interrupted[key].Y);
            Assert.Equal(clip.Visible, interrupted[key].Visible);
            Assert.Equal(clip.FrameIndices, interrupted[key].FrameIndices);
        }
    }

    [SkippableFact]
    public void Ctrl_C_mid_training_checkpoints_and_a_rerun_resumes_without_a_step_lost_or_repeated()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        // 5 videos × 2 clips, batch 2: 5 steps an epoch, 10 in all.
        string p = Pipeline("p.json", 5, "cache", trackBatch: 2, epochs: 2);
        using (var run = new RunningCli(_dir.Path, "run", p))
        {
            Assert.True(run.WaitFor(() => run.Out.Contains("step 2/10", StringComparison.Ordinal), TimeSpan.FromMinutes(2)), run.Out + run.Err);
            // SIGTERM, handled exactly like Ctrl-C's SIGINT: a child of a background job inherits SIGINT ignored, SIGTERM never.
            run.Signal("TERM");
            int code = run.Exit(TimeSpan.FromMinutes(2));
            Assert.True(code == 130, $"exit {code}: {run.Out}\n{run.Err}");
            Assert.Matches(@"checkpoint ckpt/(step-\d{8}|epoch-\d{4})\.ckpt\.safetensors", run.Out);
        }

        var resumed = Cli("run", p);
        Assert.True(resumed.Code == 0, resumed.Out + resumed.Err);
        Assert.Contains("resumed from", resumed.Out);
        Assert.DoesNotContain("step 1/10", resumed.Out);
        Assert.Contains("step 10/10 epoch 2", resumed.Out);
        Assert.True(File.Exists(_dir.File("ckpt/epoch-0002.ckpt.safetensors")));

        string[] steps = [.. File.ReadAllLines(_dir.File("ckpt/train-log.csv")).Skip(1).Select(l => l.Split(',')[0])];
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), steps);
    }

    [SkippableFact]
    public void Two_shards_into_one_cache_track_the_corpus_exactly_once()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        string p = Pipeline("p.json", 10, "cache");
        var first = Cli("track", p, "--shard", "0/2");
        var second = Cli("track", p, "--shard", "1/2");
        Assert.True(first.Code == 0 && second.Code == 0, first.Out + first.Err + second.Out + second.Err);
        Assert.Contains("in other shards", first.Out);
        var (a, _) = Counts(first.Out);
        var (b, _) = Counts(second.Out);
        Assert.Equal(20, a + b);
        Assert.True(a > 0 && b > 0, $"shards of {a} and {b} clips");
        Assert.Equal((0, 20), Counts(Cli("track", p).Out));
        Assert.Matches(@"\brows 20\b", Cli("cache", "ls", p).Out);
    }

    [SkippableFact]
    public void Peak_memory_stays_flat_as_the_corpus_grows()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Skip.IfNot(OperatingSystem.IsLinux(), "reads /proc/PID/status");
        // Videos of one length, 6 and then 48 of them, each into a fresh cache: only the corpus length differs. Decoded
        // at 256 × 256 (7.9 MB a video), so frames kept per video would add over 300 MB.
        string few = Pipeline("few.json", 6, "few-cache", data: "few", size: 256);
        string many = Pipeline("many.json", 48, "many-cache", data: "many", size: 256);
        long Peak(string pipeline)
        {
            using var run = new RunningCli(_dir.Path, "track", pipeline);
            var (code, peak) = run.ExitWithPeakMemory(TimeSpan.FromMinutes(4));
            Assert.True(code == 0, run.Out + run.Err);
            return peak;
        }

        long small = Peak(few), large = Peak(many);
        Assert.Matches(@"\bclips 96\b", Cli("cache", "ls", many).Out);
        // Bounded buffers: 8× the videos may cost the runtime's own warm-up (measured +25%: GC heap sizing, pools, JIT),
        // not memory per video. BENCHMARKS.md follows the growth over longer corpora.
        Assert.True(large < small * 1.6, $"peak {small / 1e6:F0} MB for 6 videos, {large / 1e6:F0} MB for 48");
    }

    private Dictionary<string, CachedClip> ReadAll(string cacheDir)
    {
        TrajectoryCache cache = TrajectoryCache.Open(_dir.File(cacheDir));
        var clips = new Dictionary<string, CachedClip>(StringComparer.Ordinal);
        foreach (PartitionListing partition in cache.List())
        {
            foreach (CachedClip clip in cache.ReadAsync(partition.Set!, null, default).ToBlockingEnumerable()) clips.Add(clip.ClipKey, clip);
        }

        return clips;
    }
}
