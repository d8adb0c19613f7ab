using System.Globalization;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;
using Xunit.Abstractions;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// Crash soak: <c>mosic-stream run</c> (and <c>train</c>) killed with SIGKILL again and again, at random moments (half
/// the kills just after it wrote something, a cache part, a manifest entry, a checkpoint, a log line, plus a random
/// delay; half at a random time since its start), then restarted. After each kill the cache verifies; at the end it
/// holds every clip once with the tracks of a clean run, training went through every step exactly once with the
/// losses of an uninterrupted run, and the exported student backbone is byte for byte the uninterrupted run's.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class CrashSoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    // MOSIC_SOAK_VIDEOS / MOSIC_SOAK_KILLS make a longer soak of the same tests (docs/reliability.md records one).
    private static readonly int Videos = Setting("MOSIC_SOAK_VIDEOS", 8);
    private static readonly int Kills = Setting("MOSIC_SOAK_KILLS", 6);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;

    private int Clips => 2 * Videos;

    private int Steps => 2 * Clips / 2;

    private void Pipeline(string name, string cache, string checkpoints)
    {
        Directory.CreateDirectory(_dir.File("data"));
        for (int i = 0; i < Videos; i++)
        {
            string path = _dir.File($"data/v{i}.mp4");
            if (!File.Exists(path)) Ffmpeg.TestPattern(path, 128, 96, 24, 40, "-vf", $"hue=h={i * 7}");
        }

        // Videos × 2 clips, batch 2, 2 epochs: 2 × videos steps, a checkpoint every 2. Two decode workers, so the
        // stream's arrival order varies from run to run; tracker batches of 3, so a video's clips straddle batches.
        File.WriteAllText(_dir.File(name), $$"""
            {
              "corpus": { "root": "data", "include": ["*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 96, "height": 96 },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "lk", "grid": 8, "batchSize": 3 },
              "cache": { "dir": "{{cache}}" },
              "trainer": { "model": "tiny", "imageSize": 56, "batchSize": 2, "epochs": 2, "prototypes": 10, "shuffleClips": 3,
                           "checkpointEverySteps": 2, "checkpointDir": "{{checkpoints}}" },
              "runtime": { "threads": { "decodeWorkers": 2, "torch": 1 } }
            }
            """);
    }

    [SkippableFact]
    public void Runs_killed_at_random_moments_resume_to_the_cache_and_model_of_an_uninterrupted_run()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Pipeline("clean.json", "clean-cache", "clean-ckpt");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var clean = Cli("run", "clean.json");
        Assert.True(clean.Code == 0, clean.Out + clean.Err);
        TimeSpan cleanTime = clock.Elapsed;

        Pipeline("p.json", "cache", "ckpt");
        clock.Restart();
        int kills = KillRepeatedly(["run", "p.json"], cleanTime, "p.json");
        string finishOut;
        long peak;
        using (var last = new RunningCli(_dir.Path, "run", "p.json"))
        {
            (int code, peak) = last.ExitWithPeakMemory(TimeSpan.FromMinutes(5));
            finishOut = last.Out;
            Assert.True(code == 0, last.Out + last.Err);
        }

        // The cache: every clip once, the same tracks as the uninterrupted run's.
        Assert.Equal(0, Cli("cache", "verify", "p.json").Code);
        var list = Cli("cache", "ls", "p.json");
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(list.Out, $@"\bclips {Clips}\b"), $"{list.Out}\n--- last run:\n{finishOut}");
        Assert.Matches($@"\brows {Clips}\b", list.Out);
        var killed = ReadAll("cache");
        var reference = ReadAll("clean-cache");
        Assert.Equal(reference.Keys.Order(StringComparer.Ordinal), killed.Keys.Order(StringComparer.Ordinal));
        Assert.All(reference, c => Assert.Equal(c.Value.X, killed[c.Key].X));
        Assert.All(reference, c => Assert.Equal(c.Value.Visible, killed[c.Key].Visible));

        SameTraining("ckpt", "clean-ckpt", finishOut);
        output.WriteLine($"run: {kills} SIGKILLs survived over {Videos} videos, {Clips} clips, {Steps} steps in {clock.Elapsed.TotalSeconds:F0} s " +
                         $"(uninterrupted: {cleanTime.TotalSeconds:F0} s); the last run's peak RSS {peak / 1e6:F0} MB; backbone byte-identical");
    }

    [SkippableFact]
    public void Train_killed_at_random_moments_resumes_to_the_model_of_an_uninterrupted_run()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Pipeline("p.json", "cache", "ckpt");
        Pipeline("clean.json", "cache", "clean-ckpt");
        var tracked = Cli("track", "p.json");
        Assert.True(tracked.Code == 0, tracked.Out + tracked.Err);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var clean = Cli("train", "clean.json");
        Assert.True(clean.Code == 0, clean.Out + clean.Err);
        TimeSpan cleanTime = clock.Elapsed;

        clock.Restart();
        int kills = KillRepeatedly(["train", "p.json"], cleanTime, "p.json");
        var last = Cli("train", "p.json");
        Assert.True(last.Code == 0, last.Out + last.Err);
        SameTraining("ckpt", "clean-ckpt", last.Out);
        output.WriteLine($"train: {kills} SIGKILLs survived over {Clips} clips, {Steps} steps in {clock.Elapsed.TotalSeconds:F0} s " +
                         $"(uninterrupted: {cleanTime.TotalSeconds:F0} s); backbone byte-identical");
    }

    // Starts the command again and again, killing it at a random moment each time, until Kills kills or it finishes.
    private int KillRepeatedly(string[] command, TimeSpan cleanTime, string pipeline)
    {
        var random = new Random(11);
        int kills = 0;
        for (int attempt = 0; attempt < Kills * 2 && kills < Kills; attempt++)
        {
            using var run = new RunningCli(_dir.Path, command);
            if (random.Next(2) == 0)
            {
                // Just after the run writes something new, plus 0–250 ms: inside the next write as often as between writes.
                long before = Progress();
                bool wrote = run.WaitFor(() => Progress() > before, TimeSpan.FromMinutes(2));
                Thread.Sleep(random.Next(0, 250));
                if (!wrote) break;
            }
            else
            {
                // Anywhere in the first half of what an uninterrupted run would still take (its time, scaled by the steps
                // left): start-up, hashing, decode, tracking, steps, checkpoint writes.
                double left = cleanTime.TotalMilliseconds * (Steps - Math.Min(Steps, LoggedSteps())) / Steps;
                run.WaitFor(() => false, TimeSpan.FromMilliseconds(random.Next(200, Math.Max(300, (int)(left / 2)))));
            }

            run.Signal("KILL");
            int code = run.Exit(TimeSpan.FromMinutes(1));
            if (code == 0) break; // It finished first.
            kills++;
            var verify = Cli("cache", "verify", pipeline);
            Assert.True(verify.Code == 0, $"after kill {kills}: {verify.Out}{verify.Err}");
        }

        Assert.True(kills >= Kills * 2 / 3, $"only {kills} runs were killed before finishing");
        return kills;
    }

    // Every step once, the losses of the uninterrupted run, both epochs checkpointed, the same student bytes.
    private void SameTraining(string checkpoints, string reference, string lastOut)
    {
        string[] logged = [.. File.ReadAllLines(_dir.File($"{checkpoints}/train-log.csv")).Skip(1)];
        Assert.Equal(Enumerable.Range(1, Steps).Select(i => i.ToString(CultureInfo.InvariantCulture)), logged.Select(l => l.Split(',')[0]));
        // Everything but the seconds a step took (column 7): loss, learning rate, label statistics, the data digest.
        static string WithoutTime(string line) => string.Join(',', line.Split(',').Where((_, i) => i != 6));
        Assert.Equal(File.ReadAllLines(_dir.File($"{reference}/train-log.csv")).Skip(1).Select(WithoutTime), logged.Select(WithoutTime));
        Assert.True(File.Exists(_dir.File($"{checkpoints}/epoch-0002.ckpt.safetensors")));
        Assert.Empty(Directory.GetFiles(_dir.File(checkpoints), "*.tmp*"));
        foreach (string file in new[] { "student-backbone.safetensors", "student-backbone.pth" })
            Assert.True(File.ReadAllBytes(_dir.File($"{checkpoints}/{file}")).AsSpan().SequenceEqual(File.ReadAllBytes(_dir.File($"{reference}/{file}"))),
                $"{file} differs from the uninterrupted run's\n--- last run:\n{lastOut}");
    }

    // Anything the run has written so far: manifest entries, checkpoints, log lines.
    private long Progress()
    {
        long entries = Directory.Exists(_dir.File("cache/_manifest")) ? Directory.GetFiles(_dir.File("cache/_manifest")).Length : 0;
        long checkpoints = Directory.Exists(_dir.File("ckpt")) ? Directory.GetFiles(_dir.File("ckpt"), "*.ckpt.safetensors").Length : 0;
        return entries * 1_000_000 + checkpoints * 1_000 + LoggedSteps();
    }

    // Lines of the train log after its header (steps a resume may still take back).
    private int LoggedSteps()
    {
        try
        {
            return File.Exists(_dir.File("ckpt/train-log.csv")) ? Math.Max(0, File.ReadLines(_dir.File("ckpt/train-log.csv")).Count() - 1) : 0;
        }
        catch (IOException)
        {
            return 0; // Being rewritten.
        }
    }

    private Dictionary<string, CachedClip> ReadAll(string cacheDir)
    {
        TrajectoryCache cache = TrajectoryCache.Open(_dir.File(cacheDir));
        return cache.List().SelectMany(p => cache.ReadAsync(p.Set!, null, default).ToBlockingEnumerable()).ToDictionary(c => c.ClipKey, StringComparer.Ordinal);
    }
}
