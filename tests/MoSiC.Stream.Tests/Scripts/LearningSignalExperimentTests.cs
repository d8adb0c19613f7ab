using System.Diagnostics;
using System.Text.Json;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Scripts;

/// <summary>
/// scripts/experiment-learning-signal.sh in its few-step version (SMOKE=1: two tiny corpora, P, arms A1 and A2 and a
/// second seed of A1): the machinery, not the outcome (issue #15, item 8). The arms differ only in their tracks (same
/// train-log data digests, step by step), and every metric is computed on every held-out clip.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class LearningSignalExperimentTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void The_small_experiment_trains_every_arm_on_the_same_data_and_scores_every_clip()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        string bench = Path.Combine(RepoPaths.Root, "bench", "MoSiC.Stream.Bench", "bin", "Release", "net10.0", "linux-x64", "mosic-bench.dll");
        Skip.IfNot(File.Exists(bench), "mosic-bench is not built (the full test run builds it)");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "experiment-learning-signal.sh"));
        info.ArgumentList.Add(_dir.Path);
        info.Environment["SMOKE"] = "1";
        info.Environment["MOSIC"] = "dotnet " + Path.Combine(AppContext.BaseDirectory, "mosic-stream.dll");
        info.Environment["BENCH"] = "dotnet " + bench;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(20)), "the small experiment did not finish in 20 minutes");
        Assert.True(process.ExitCode == 0, stdout + stderr.Result);

        using var results = JsonDocument.Parse(File.ReadAllText(_dir.File("results.json")));
        var runs = results.RootElement.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(["A0-s0", "A1-s0", "A2-s0", "A1-s1"], runs.Select(r => r.GetProperty("run").GetString()));
        string[] heldout = [.. Directory.GetFiles(_dir.File(Path.Combine("heldout", "videos"))).Select(Path.GetFileNameWithoutExtension).OfType<string>().Order()];
        foreach (var run in runs)
        {
            string name = run.GetProperty("run").GetString()!;
            Assert.Equal(JsonValueKind.Number, run.GetProperty("corr_hit").ValueKind);
            Assert.Equal(JsonValueKind.Number, run.GetProperty("heldout_frame_miou").ValueKind);
            Assert.Equal(JsonValueKind.Number, run.GetProperty("heldout_clip_miou").ValueKind);
            // Every held-out clip is scored: segmentation (both settings) and correspondence.
            using var eval = JsonDocument.Parse(File.ReadAllText(_dir.File(Path.Combine("eval", name, "heldout", "eval.json"))));
            foreach (var setting in eval.RootElement.GetProperty("results").EnumerateArray())
                Assert.Equal(heldout, setting.GetProperty("clips").EnumerateArray().Select(c => c.GetProperty("clip").GetString()).Order());
            using var corr = JsonDocument.Parse(File.ReadAllText(_dir.File(Path.Combine("eval", name, "corr", "correspondence.json"))));
            Assert.Equal(heldout, corr.RootElement.GetProperty("videos").EnumerateArray().Select(v => v.GetProperty("video").GetString()).Distinct().Order());
            if (name != "A0-s0") Assert.Equal(JsonValueKind.Number, run.GetProperty("label_consistency").ValueKind);
        }

        // Same clips, crops and frame-0 points step by step; different tracks, so different losses.
        Assert.True(results.RootElement.GetProperty("same_data").GetProperty("0").GetBoolean());
        string[] Log(string run) => File.ReadAllLines(_dir.File(Path.Combine("runs", run, "train-log.csv")));
        string[] a1 = Log("A1-s0"), a2 = Log("A2-s0");
        Assert.True(a1.Length > 1);
        Assert.Equal(a1.Skip(1).Select(l => l.Split(',')[^1]), a2.Skip(1).Select(l => l.Split(',')[^1]));
        Assert.NotEqual(a1.Skip(1).Select(l => l.Split(',')[2]), a2.Skip(1).Select(l => l.Split(',')[2]));
        Assert.NotEqual(a1.Skip(1).Select(l => l.Split(',')[^1]), Log("A1-s1").Skip(1).Select(l => l.Split(',')[^1]));
        Assert.Contains("Decision rule", File.ReadAllText(_dir.File("results.md")));
    }
}
