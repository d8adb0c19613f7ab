using System.Text.Json;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Train.Persist;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Synthetic;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// <c>mosic-stream eval DATA --compare A B</c> (two backbones in one run) and <c>--checkpoint</c> with a DINOv2-named
/// .pth (our <c>student-backbone.pth</c> export: a plain state dict under the official key names), on a synthetic corpus.
/// </summary>
[Collection(TorchGlobalState.Name)]
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class EvalCompareCliTests : IDisposable
{
    private static readonly SynthOptions Corpus = new() { Videos = 2, Seed = 5, Frames = 8, Width = 64, Height = 48, TrackPoints = 4, Parallelism = 1 };

    // Small settings so the CLI runs in seconds: 2 frames per video at 56 px (4×4 patches), K 3.
    private static readonly string[] Settings = ["--frames", "2", "--stride", "3", "--size", "56", "-k", "3", "--restarts", "2"];

    private readonly TempDir _dir = new();

    public EvalCompareCliTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    /// <summary>The corpus, and a DINOv2-named .pth holding the random tiny ViT that seed 5 builds (the CLI's random init for --seed 5).</summary>
    private async Task<(string Corpus, string Pth)> PrepareAsync()
    {
        string corpus = _dir.File("corpus");
        await SyntheticCorpus.GenerateAsync(Corpus, corpus, null, CancellationToken.None);
        manual_seed(5);
        using var model = new DinoVisionTransformer(VitConfig.Tiny);
        string pth = _dir.File("dinov2_vit_tiny_pretrain.pth");
        BackboneExport.WritePth(model, pth);
        return (corpus, pth);
    }

    private static double Mean(string evalJson)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(evalJson));
        return json.RootElement.GetProperty("mean_clip_miou").GetDouble();
    }

    [SkippableFact]
    public async Task A_dinov2_named_pth_loads_every_weight_through_checkpoint()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var (corpus, pth) = await PrepareAsync();
        // The file's weights replace the --seed 0 random init entirely: the score is the seed-5 random model's, not seed 0's.
        var (code, output, error) = CliProcess.Run(_dir.Path, ["eval", corpus, .. Settings, "--checkpoint", pth, "--seed", "0", "--out", "file"]);
        Assert.True(code == 0, error);
        Assert.Contains("dinov2_vit_tiny_pretrain.pth", output);
        (code, _, error) = CliProcess.Run(_dir.Path, ["eval", corpus, .. Settings, "--seed", "0", "--out", "seed0"]);
        Assert.True(code == 0, error);
        // Same k-means seed, different weights: had the file not loaded, both would be the seed-0 random model.
        // (The compare test shows the file's scores are exactly the seed-5 random model's.)
        Assert.NotEqual(Mean(_dir.File("seed0/eval.json")), Mean(_dir.File("file/eval.json")));

        File.WriteAllBytes(_dir.File("broken.pth"), [1, 2, 3]);
        (code, _, error) = CliProcess.Run(_dir.Path, ["eval", corpus, .. Settings, "--checkpoint", "broken.pth"]);
        Assert.Equal(1, code);
        Assert.Contains("broken.pth", error);
    }

    [SkippableFact]
    public async Task Compare_evaluates_two_backbones_on_the_same_clips_and_prints_the_difference()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var (corpus, pth) = await PrepareAsync();
        // A = random init from --seed 5, B = the file holding exactly those weights: identical reports, B − A = 0 on every clip.
        var (code, output, error) = CliProcess.Run(_dir.Path, ["eval", corpus, .. Settings, "--seed", "5", "--compare", "random", pth, "--out", "out"]);
        Assert.True(code == 0, error);
        Assert.Contains("A: random:tiny:seed5", output);
        Assert.Contains("B: tiny:", output);
        Assert.DoesNotContain("warning", output);
        string[] rows = output.Split('\n').Where(l => l.StartsWith("synth-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.All(rows, r => Assert.Equal("0.00", r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]));
        Assert.Equal(Mean(_dir.File("out/a/eval.json")), Mean(_dir.File("out/b/eval.json")));

        // Two different backbones (random seed 1 vs the seed-5 file): one report per side, the printed mean difference is B − A.
        (code, output, error) = CliProcess.Run(_dir.Path, ["eval", corpus, .. Settings, "--seed", "1", "--compare", "random", pth, "--out", "diff"]);
        Assert.True(code == 0, error);
        Assert.Contains("A: random:tiny:seed1", output);
        double a = Mean(_dir.File("diff/a/eval.json")), b = Mean(_dir.File("diff/b/eval.json"));
        string mean = output.Split('\n').Single(l => l.StartsWith("mean over clips", StringComparison.Ordinal));
        Assert.Equal((100 * (b - a)).ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
            mean.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);

        (code, _, error) = CliProcess.Run(_dir.Path, ["eval", corpus, .. Settings, "--compare", "random", "missing.pth"]);
        Assert.Equal(1, code);
        Assert.Contains("missing.pth", error);
    }
}
