using System.Globalization;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;
using Xunit.Abstractions;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// Crash soak: <c>mosic-stream run</c> killed with SIGKILL again and again, each time just after it wrote something
/// (a cache part, a manifest entry, a checkpoint, a log line) plus a random delay, then restarted. At the end nothing
/// is lost or doubled: the cache verifies, holds every clip once with the tracks of a clean run, and training went
/// through every step exactly once.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class CrashSoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    // MOSIC_SOAK_VIDEOS / MOSIC_SOAK_KILLS make a longer soak of the same test (docs/reliability.md records one).
    private static readonly int Videos = Setting("MOSIC_SOAK_VIDEOS", 8);
    private static readonly int Kills = Setting("MOSIC_SOAK_KILLS", 6);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;

    private void Pipeline(string name, string cache)
    {
        Directory.CreateDirectory(_dir.File("data"));
        for (int i = 0; i < Videos; i++)
        {
            string path = _dir.File($"data/v{i}.mp4");
            if (!File.Exists(path)) Ffmpeg.TestPattern(path, 128, 96, 24, 40, "-vf", $"hue=h={i * 7}");
        }

        // Videos × 2 clips, batch 2, 2 epochs: 2 × videos steps, a checkpoint every 2.
        File.WriteAllText(_dir.File(name), $$"""
            {
              "corpus": { "root": "data", "include": ["*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 96, "height": 96 },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "lk", "grid": 8, "batchSize": 1 },
              "cache": { "dir": "{{cache}}" },
              "trainer": { "model": "tiny", "imageSize": 56, "batchSize": 2, "epochs": 2, "prototypes": 10, "shuffleClips": 2,
                           "checkpointEverySteps": 2, "checkpointDir": "ckpt" },
              "runtime": { "threads": { "torch": 1 } }
            }
            """);
    }

    [SkippableFact]
    public void Runs_killed_at_random_moments_resume_with_nothing_lost_or_doubled()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Pipeline("p.json", "cache");
        var random = new Random(11);
        int kills = 0, clips = 2 * Videos, steps = 2 * clips / 2;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int attempt = 0; attempt < Kills * 2 && kills < Kills; attempt++)
        {
            using var run = new RunningCli(_dir.Path, "run", "p.json");
            long before = Progress();
            // Just after the run writes something new, plus 0–250 ms: inside the next write as often as between writes.
            bool wrote = run.WaitFor(() => Progress() > before, TimeSpan.FromMinutes(2));
            Thread.Sleep(random.Next(0, 250));
            if (!wrote) break;
            run.Signal("KILL");
            int code = run.Exit(TimeSpan.FromMinutes(1));
            if (code == 0) break; // It finished first.
            kills++;
            var verify = Cli("cache", "verify", "p.json");
            Assert.True(verify.Code == 0, $"after kill {kills}: {verify.Out}{verify.Err}");
        }

        Assert.True(kills >= Kills * 2 / 3, $"only {kills} runs were killed before finishing");
        string finishOut;
        long peak;
        using (var last = new RunningCli(_dir.Path, "run", "p.json"))
        {
            (int code, peak) = last.ExitWithPeakMemory(TimeSpan.FromMinutes(5));
            finishOut = last.Out;
            Assert.True(code == 0, last.Out + last.Err);
        }


        // The cache: every clip once, the same tracks as an uninterrupted track run.
        Assert.Equal(0, Cli("cache", "verify", "p.json").Code);
        var list = Cli("cache", "ls", "p.json");
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(list.Out, $@"\bclips {clips}\b"), $"{list.Out}\n--- last run:\n{finishOut}");
        Assert.Matches($@"\brows {clips}\b", list.Out);
        Pipeline("clean.json", "clean-cache");
        Assert.Equal(0, Cli("track", "clean.json").Code);
        var killed = ReadAll("cache");
        var clean = ReadAll("clean-cache");
        Assert.Equal(clean.Keys.Order(StringComparer.Ordinal), killed.Keys.Order(StringComparer.Ordinal));
        Assert.All(clean, c => Assert.Equal(c.Value.X, killed[c.Key].X));
        Assert.All(clean, c => Assert.Equal(c.Value.Visible, killed[c.Key].Visible));

        // Training: every step once in the log, both epochs checkpointed, the student exported.
        string[] logged = [.. File.ReadAllLines(_dir.File("ckpt/train-log.csv")).Skip(1).Select(l => l.Split(',')[0])];
        Assert.Equal(Enumerable.Range(1, steps).Select(i => i.ToString(CultureInfo.InvariantCulture)), logged);
        Assert.True(File.Exists(_dir.File("ckpt/epoch-0002.ckpt.safetensors")));
        Assert.True(File.Exists(_dir.File("ckpt/student-backbone.safetensors")));
        Assert.Empty(Directory.GetFiles(_dir.File("ckpt"), "*.tmp*"));
        output.WriteLine($"{kills} SIGKILLs survived over {Videos} videos, {clips} clips, {steps} steps in {clock.Elapsed.TotalSeconds:F0} s; the last run's peak RSS {peak / 1e6:F0} MB");
    }

    // Anything the run has written so far: manifest entries, checkpoints, log lines.
    private long Progress()
    {
        long entries = Directory.Exists(_dir.File("cache/_manifest")) ? Directory.GetFiles(_dir.File("cache/_manifest")).Length : 0;
        long checkpoints = Directory.Exists(_dir.File("ckpt")) ? Directory.GetFiles(_dir.File("ckpt"), "*.ckpt.safetensors").Length : 0;
        long lines = 0;
        try
        {
            if (File.Exists(_dir.File("ckpt/train-log.csv"))) lines = File.ReadLines(_dir.File("ckpt/train-log.csv")).Count();
        }
        catch (IOException)
        {
            // Being rewritten.
        }

        return entries * 1_000_000 + checkpoints * 1_000 + lines;
    }

    private Dictionary<string, CachedClip> ReadAll(string cacheDir)
    {
        TrajectoryCache cache = TrajectoryCache.Open(_dir.File(cacheDir));
        return cache.List().SelectMany(p => cache.ReadAsync(p.Set!, null, default).ToBlockingEnumerable()).ToDictionary(c => c.ClipKey, StringComparer.Ordinal);
    }
}
