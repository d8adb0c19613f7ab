using System.Diagnostics;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// <c>mosic-stream track PIPELINE</c> with the trajectory cache, as a user runs it: resume, grown corpora, settings that
/// must (and must not) miss, and writers killed with SIGKILL.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class TrackCacheCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    /// <summary>Test-pattern videos (different start offsets, so different content) and a pipeline over them.</summary>
    private void Corpus(int videos, string extra = "")
    {
        Directory.CreateDirectory(_dir.File("data"));
        for (int i = 0; i < videos; i++)
        {
            string path = _dir.File($"data/v{i}.mp4");
            if (!File.Exists(path)) Ffmpeg.TestPattern(path, 128, 96, 24, 30 + i);
        }

        File.WriteAllText(_dir.File("p.json"), $$"""
            {
              "corpus": { "root": "data", "include": ["**/*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 96, "height": 96 },
              "clips": { "framesPerClip": 8, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "lk", "grid": 6, "batchSize": 3 {{extra}} },
              "cache": { "dir": "cache" }
            }
            """);
    }

    private static (int Tracked, int Cached) Counts(string output) => TrackTotals.Parse(output);

    [SkippableFact]
    public void A_rerun_tracks_nothing_and_a_grown_corpus_tracks_only_the_new_videos()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(3);
        var first = Cli("track", "p.json");
        Assert.True(first.Code == 0, first.Out + first.Err);
        Assert.Equal((6, 0), Counts(first.Out));

        var again = Cli("track", "p.json");
        Assert.Equal((0, 6), Counts(again.Out));
        Assert.Contains("0 videos hashed from their bytes", again.Out);

        Corpus(5);
        var grown = Cli("track", "p.json");
        Assert.Equal((4, 6), Counts(grown.Out));

        // A moved file is the same video: nothing to track.
        Directory.CreateDirectory(_dir.File("data/moved"));
        File.Move(_dir.File("data/v0.mp4"), _dir.File("data/moved/renamed.mp4"));
        Assert.Equal((0, 10), Counts(Cli("track", "p.json").Out));

        // An edited file under the same name is a new video: its clips are tracked again.
        File.Delete(_dir.File("data/v1.mp4"));
        Ffmpeg.TestPattern(_dir.File("data/v1.mp4"), 128, 96, 24, 40);
        Assert.Equal((2, 8), Counts(Cli("track", "p.json").Out));
    }

    [SkippableFact]
    public void Settings_that_change_tracks_miss_and_settings_that_do_not_hit()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(2);
        Assert.Equal((4, 0), Counts(Cli("track", "p.json").Out));

        // Thread counts, buffers and the batch size do not change a clip's tracks.
        string text = File.ReadAllText(_dir.File("p.json"));
        File.WriteAllText(_dir.File("p.json"), text.Replace("\"batchSize\": 3", "\"batchSize\": 1").Replace("\"cache\": {",
            "\"runtime\": { \"threads\": { \"tracker\": 2, \"ffmpegThreads\": 2 }, \"buffers\": { \"clips\": 3 } }, \"trainer\": { \"batchSize\": 2 }, \"cache\": {"));
        Assert.Equal((0, 4), Counts(Cli("track", "p.json").Out));

        // The LK window, the grid and the decode size do.
        Corpus(2, extra: ", \"lk\": { \"window\": 15 }");
        Assert.Equal((4, 0), Counts(Cli("track", "p.json").Out));
        File.WriteAllText(_dir.File("p.json"), File.ReadAllText(_dir.File("p.json")).Replace("\"grid\": 6", "\"grid\": 5"));
        Assert.Equal((4, 0), Counts(Cli("track", "p.json").Out));
        File.WriteAllText(_dir.File("p.json"), File.ReadAllText(_dir.File("p.json")).Replace("\"width\": 96", "\"width\": 64"));
        Assert.Equal((4, 0), Counts(Cli("track", "p.json").Out));
    }

    [SkippableFact]
    public void Gc_drops_deleted_videos_and_export_writes_one_videos_tracks()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(3);
        Assert.Equal((6, 0), Counts(Cli("track", "p.json").Out));

        // Export: 2 clips × 8 frames × 36 points, one CSV line each after the header.
        var export = Cli("cache", "export", "data/v1.mp4", "--pipeline", "p.json", "--out", "v1.csv");
        Assert.True(export.Code == 0, export.Out + export.Err);
        string[] lines = File.ReadAllLines(_dir.File("v1.csv"));
        Assert.Equal(1 + 2 * 8 * 36, lines.Length);
        var json = Cli("cache", "export", "data/v1.mp4", "--dir", "cache", "--format", "json");
        Assert.True(json.Code == 0, json.Err);
        using (var doc = System.Text.Json.JsonDocument.Parse(json.Out)) Assert.Equal(2, doc.RootElement.GetArrayLength());

        File.Delete(_dir.File("data/v1.mp4"));
        var gc = Cli("cache", "gc", "p.json");
        Assert.True(gc.Code == 0, gc.Out + gc.Err);
        Assert.Contains("removed 2 clips", gc.Out);
        var list = Cli("cache", "ls", "p.json");
        Assert.Matches(@"\bvideos 2\b", list.Out);
        Assert.Matches(@"\bclips 4\b", list.Out);
        Assert.Equal((0, 4), Counts(Cli("track", "p.json").Out));

        var missing = Cli("cache", "export", "data/v1.mp4", "--pipeline", "p.json");
        Assert.Equal(1, missing.Code);
        Assert.Contains("data/v1.mp4: no such video", missing.Err);
    }

    [SkippableFact]
    public void Two_processes_tracking_into_one_cache_track_and_leave_every_clip_once()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(4);
        File.WriteAllText(_dir.File("p.json"), File.ReadAllText(_dir.File("p.json")).Replace("\"batchSize\": 3", "\"batchSize\": 1"));
        Task<(int Code, string Out, string Err)>[] runs = [Task.Run(() => Cli("track", "p.json")), Task.Run(() => Cli("track", "p.json"))];
        Task.WaitAll(runs);
        Assert.All(runs, r => Assert.True(r.Result.Code == 0, r.Result.Out + r.Result.Err));

        var verify = Cli("cache", "verify", "p.json");
        Assert.True(verify.Code == 0, verify.Out + verify.Err);
        var list = Cli("cache", "ls", "p.json");
        Assert.Matches(@"\bclips 8\b", list.Out);
        Assert.Matches(@"\brows 8\b", list.Out);
        // Claims: no clip was tracked by both (whichever way the two runs happened to overlap).
        Assert.Equal(8, Counts(runs[0].Result.Out).Tracked + Counts(runs[1].Result.Out).Tracked);
        Assert.Empty(Directory.GetFiles(_dir.File("cache/_claims"), "*.claim", SearchOption.AllDirectories));
        Assert.Equal((0, 8), Counts(Cli("track", "p.json").Out));
        var export = Cli("cache", "export", "data/v2.mp4", "--dir", "cache");
        Assert.Equal(1 + 2 * 8 * 36, export.Out.TrimEnd().Split('\n').Length);
    }

    [SkippableFact]
    public void Writers_killed_at_random_points_leave_a_cache_that_verifies_and_a_rerun_completes_each_clip_once()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        // Enough work that most runs are still going when killed: the streaming graph finishes a small corpus quickly.
        Corpus(12);
        File.WriteAllText(_dir.File("p.json"), File.ReadAllText(_dir.File("p.json")).Replace("\"batchSize\": 3", "\"batchSize\": 1"));
        // Each run is killed once it has finished a new part, plus a random 0–150 ms: wherever that lands (decoding,
        // tracking, mid-part, mid-manifest entry), timed by the writer's own progress rather than by wall-clock guesses.
        var random = new Random(4);
        int killed = 0;
        for (int attempt = 0; attempt < 8; attempt++)
        {
            if (KillDuringWrites(TimeSpan.FromMilliseconds(random.Next(0, 150)), "track", "p.json")) killed++;
            var verify = Cli("cache", "verify", "p.json");
            Assert.True(verify.Code == 0, $"after kill {attempt}: {verify.Out}{verify.Err}");
        }

        Assert.True(killed >= 4, $"only {killed} of 8 runs were killed before finishing");

        var finish = Cli("track", "p.json");
        Assert.True(finish.Code == 0, finish.Out + finish.Err);
        var (tracked, cached) = Counts(finish.Out);
        Assert.Equal(24, tracked + cached);

        var list = Cli("cache", "ls", "p.json");
        Assert.True(list.Code == 0, list.Out + list.Err);
        Assert.Matches(@"\bclips 24\b", list.Out);
        Assert.Matches(@"\brows 24\b", list.Out);
        Assert.Matches(@"\bvideos 12\b", list.Out);
        Assert.Equal(0, Cli("cache", "verify", "p.json").Code);
    }

    /// <summary>
    /// Starts the CLI, waits until it has added a manifest entry, then SIGKILLs it after <paramref name="extra"/>;
    /// false when it finished first.
    /// </summary>
    private bool KillDuringWrites(TimeSpan extra, params string[] args)
    {
        string manifest = _dir.File("cache/_manifest");
        int Entries() => Directory.Exists(manifest) ? Directory.GetFiles(manifest, "*.json").Length : 0;
        int before = Entries();

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mosic-stream.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        using Process process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (Entries() == before)
        {
            if (process.WaitForExit(5)) return false;
            Assert.True(DateTime.UtcNow < deadline, "the writer made no progress in 2 minutes");
        }

        if (process.WaitForExit(extra)) return false;

        // Process.Kill sends SIGKILL on Unix: no finally blocks, no flushes.
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return true;
    }
}
