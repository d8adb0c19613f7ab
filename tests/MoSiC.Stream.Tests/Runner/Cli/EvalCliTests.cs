using System.Text.Json;
using MoSiC.Stream.Eval.Segmentation;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary><c>mosic-stream eval</c> as a user runs it (work in progress: per-clip / per-frame, eval.json).</summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class EvalCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void Eval_on_one_davis_sequence_prints_a_table_and_writes_eval_json()
    {
        string bear = Path.Combine(RepoPaths.RealData, "davis2016_bear");
        Skip.IfNot(Directory.Exists(bear), "davis2016_bear is not in ../shared/data/real");
        var (code, output, error) = CliProcess.Run(_dir.Path, "eval", bear, "--frames", "2", "--stride", "30", "--restarts", "2", "--out", "out", "--viz", "viz");
        Assert.True(code == 0, error);
        Assert.Contains("davis2016_bear", output);
        string overlay = _dir.File(Path.Combine("viz", "davis2016_bear", "00000.png"));
        Assert.True(File.Exists(overlay));
        var info = SixLabors.ImageSharp.Image.Identify(overlay);
        // Scored as TimeT scores: the ground truth resized (nearest) to the 224² evaluation size.
        Assert.Equal((2 * 224, 224), (info.Width, info.Height));
        Assert.True(File.Exists(_dir.File(Path.Combine("viz", "davis2016_bear", "00030.png"))));
        Assert.Contains("mean over clips", output);
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File(Path.Combine("out", "eval.json"))));
        // The defaults: per-frame headline, K = labels present and K = 10 both scored, pixel-level clustering.
        Assert.Equal("per_frame", json.RootElement.GetProperty("scope").GetString());
        Assert.Equal("auto", json.RootElement.GetProperty("k").GetString());
        Assert.Equal("pixel", json.RootElement.GetProperty("level").GetString());
        Assert.Equal(new[] { "auto", "10" }, json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("k").GetString()).ToArray());
        Assert.Equal(new[] { 2, 2 }, json.RootElement.GetProperty("clips")[0].GetProperty("frame_clusters").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.InRange(json.RootElement.GetProperty("mean_frame_miou").GetDouble(), 0.0, 1.0);
    }

    [SkippableFact]
    public void Per_dataset_scope_clusters_two_sequences_together()
    {
        string real = RepoPaths.RealData;
        string bear = Path.Combine(real, "davis2016_bear"), swan = Path.Combine(real, "davis2016_blackswan");
        Skip.IfNot(Directory.Exists(bear) && Directory.Exists(swan), "davis2016_bear / blackswan are not in ../shared/data/real");
        var (code, output, error) = CliProcess.Run(_dir.Path, "eval", bear, swan, "--scope", "per-dataset", "--frames", "2", "--stride", "30",
            "--restarts", "2", "--out", "out");
        Assert.True(code == 0, error);
        Assert.Contains("dataset (one matching)", output);
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File(Path.Combine("out", "eval.json"))));
        Assert.Equal("per_dataset", json.RootElement.GetProperty("scope").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("clips").GetArrayLength());
        Assert.InRange(json.RootElement.GetProperty("dataset_miou").GetDouble(), 0.0, 1.0);
    }

    [Fact]
    public void Compare_sets_two_reports_side_by_side_with_the_difference()
    {
        static VideoSegmentationReport Report(string backbone, params (string Clip, double Miou)[] clips) =>
            new(backbone, "per_clip", null, 2, 50, 10, 0, 8, 1, 224, clips.Average(c => c.Miou), clips.Average(c => c.Miou),
                clips.Select(c => new ClipScore(c.Clip, ["00000"], [c.Miou], c.Miou, 2)).ToArray());
        File.WriteAllText(_dir.File("a.json"), JsonSerializer.Serialize(Report("A-net", ("bear", 0.5), ("swan", 0.25)), VideoSegmentationEval.Json));
        Directory.CreateDirectory(_dir.File("b"));
        File.WriteAllText(_dir.File(Path.Combine("b", "eval.json")), JsonSerializer.Serialize(Report("B-net", ("bear", 0.625)), VideoSegmentationEval.Json));
        var (code, output, error) = CliProcess.Run(_dir.Path, "eval", "--compare", "a.json", "b");
        Assert.True(code == 0, error);
        Assert.Contains("A: A-net", output);
        Assert.Contains("B: B-net", output);
        string bear = output.Split('\n').Single(l => l.StartsWith("bear", StringComparison.Ordinal));
        Assert.Equal(new[] { "bear", "50.00", "62.50", "12.50" }, bear.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        string swan = output.Split('\n').Single(l => l.StartsWith("swan", StringComparison.Ordinal));
        Assert.Equal(new[] { "swan", "25.00" }, swan.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        (code, _, error) = CliProcess.Run(_dir.Path, "eval", "--compare", "a.json", "missing.json");
        Assert.Equal(1, code);
        Assert.Contains("missing.json", error);
    }

    [Fact]
    public void Bad_arguments_fail_with_a_message()
    {
        var (code, _, error) = CliProcess.Run(_dir.Path, "eval", "no-such-folder");
        Assert.Equal(1, code);
        Assert.Contains("JPEGImages", error);
        (code, _, error) = CliProcess.Run(_dir.Path, "eval", "no-such-folder", "--scope", "whole");
        Assert.Equal(1, code);
        Assert.Contains("--scope", error);
    }
}
