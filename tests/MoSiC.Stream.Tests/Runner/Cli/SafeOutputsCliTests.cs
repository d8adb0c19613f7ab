using System.Diagnostics;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// Nothing a run writes is clobbered or found unwritable late: one run at a time per checkpoint folder (a lock naming
/// its holder, taken over from a dead one), every output path checked before any work, a profile folder per run.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class SafeOutputsCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    /// <summary>2 test-pattern videos, 4 clips, one epoch of 2 steps of the tiny model at 56 px.</summary>
    private void Corpus()
    {
        Directory.CreateDirectory(_dir.File("data"));
        for (int i = 0; i < 2; i++) Ffmpeg.TestPattern(_dir.File($"data/v{i}.mp4"), 128, 96, 24, 30 + i);
        File.WriteAllText(_dir.File("p.json"), """
            {
              "corpus": { "root": "data", "include": ["**/*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 96, "height": 96 },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "lk", "grid": 8, "batchSize": 2 },
              "cache": { "dir": "cache" },
              "trainer": { "model": "tiny", "imageSize": 56, "batchSize": 2, "epochs": 1, "prototypes": 10, "checkpointDir": "ckpt" },
              "runtime": { "device": "cpu", "threads": { "torch": 1 } }
            }
            """);
    }

    [SkippableFact]
    public void A_second_run_on_the_same_checkpoint_folder_exits_1_at_start_naming_the_first()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus();
        string lockFile = _dir.File("ckpt/.run.lock");
        int first;
        using (var running = new RunningCli(_dir.Path, "run", "p.json"))
        {
            Assert.True(running.WaitFor(() => File.Exists(lockFile), TimeSpan.FromMinutes(2)), "the first run never locked its checkpoint folder: " + running.Out + running.Err);
            var second = Cli("run", "p.json");
            Assert.Equal(1, second.Code);
            Assert.Contains("is in use by another run", second.Err);
            Assert.Contains($"host {Environment.MachineName}, PID {running.Pid}", second.Err);
            Assert.DoesNotContain("tracked", second.Out);
            first = running.Exit(TimeSpan.FromMinutes(3));
            Assert.True(first == 0, running.Out + running.Err);
        }

        Assert.False(File.Exists(lockFile), "the lock outlived its run");

        // A lock left by a process that is gone (same host) is taken over.
        using (var gone = Process.Start("true")!)
        {
            gone.WaitForExit();
            File.WriteAllText(lockFile, $"{Environment.MachineName}\n{gone.Id}\n{DateTimeOffset.UtcNow:O}\n");
        }

        var again = Cli("run", "p.json");
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.False(File.Exists(lockFile));
    }

    [SkippableFact]
    public void Output_paths_that_cannot_be_written_stop_the_run_before_any_work()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus();
        File.WriteAllText(_dir.File("taken"), "a file, not a folder");
        var profile = Cli("track", "p.json", "--profile", "taken");
        Assert.Equal(1, profile.Code);
        Assert.Contains("--profile \"taken\" is a file, not a folder", profile.Err);
        Assert.DoesNotContain("tracked", profile.Out);

        Directory.CreateDirectory(_dir.File("folder"));
        var report = Cli("track", "p.json", "--report", "folder");
        Assert.Equal(1, report.Code);
        Assert.Contains("--report \"folder\" is a folder, not a file", report.Err);
        Assert.DoesNotContain("tracked", report.Out);
        Assert.False(Directory.Exists(_dir.File("cache/_manifest")) && Directory.GetFiles(_dir.File("cache/_manifest")).Length > 0, "the refused runs tracked");
    }

    [SkippableFact]
    public void Each_profile_run_gets_its_own_folder_unless_one_is_named()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus();
        Assert.Equal(0, Cli("profile", "p.json", "--mode", "track").Code);
        Assert.Equal(0, Cli("profile", "p.json", "--mode", "track").Code);
        string[] runs = Directory.GetDirectories(_dir.File(".mosic/profiles"));
        Assert.Equal(2, runs.Length);
        Assert.All(runs, r => Assert.True(File.Exists(Path.Combine(r, "profile.json")), r));
        Assert.All(runs, r => Assert.StartsWith("pipeline-track-", Path.GetFileName(r)));

        Assert.Equal(0, Cli("profile", "p.json", "--mode", "track", "--profile", "mine").Code);
        Assert.True(File.Exists(_dir.File("mine/profile.json")));
        Assert.Equal(2, Directory.GetDirectories(_dir.File(".mosic/profiles")).Length);
    }

    [Fact]
    public void Eval_out_that_is_a_file_fails_before_any_work()
    {
        Directory.CreateDirectory(_dir.File("ds/JPEGImages"));
        Directory.CreateDirectory(_dir.File("ds/Annotations"));
        File.WriteAllBytes(_dir.File("ds/JPEGImages/00000.jpg"), [0xFF, 0xD8]);
        File.WriteAllText(_dir.File("out"), "a file");
        var eval = Cli("eval", "ds", "--out", "out");
        Assert.Equal(1, eval.Code);
        Assert.Contains("--out \"out\" is a file, not a folder", eval.Err);
    }
}
