using System.Text.Json;
using MoSiC.Stream.Eval.Segmentation;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Eval.Segmentation;

public class MaskReaderTests
{
    private static string Bear => Path.Combine(RepoPaths.RealData, "davis2016_bear");

    [SkippableFact]
    public void DavisPaletteMaskGivesBinaryIdsAtFullSize()
    {
        string png = Path.Combine(Bear, "Annotations", "00000.png");
        Skip.IfNot(File.Exists(png), "davis2016_bear is not in ../shared/data/real");
        LabelMap m = MaskReader.Read(png);
        Assert.Equal((854, 480), (m.Width, m.Height));
        Assert.Equal(new[] { 0, 1 }, m.Labels.Distinct().Order().ToArray());
        double fg = m.Labels.Count(l => l == 1) / (double)m.Labels.Length;
        Assert.InRange(fg, 0.02, 0.6); // a bear, not the whole frame
    }

    [SkippableFact]
    public void DiscoversAFlatSequenceFolderAsOneClip()
    {
        Skip.IfNot(Directory.Exists(Bear), "davis2016_bear is not in ../shared/data/real");
        var clips = VideoSegmentationClip.Discover(Bear);
        Assert.Single(clips);
        Assert.Equal("davis2016_bear", clips[0].Name);
        Assert.Equal(new[] { "00000", "00010", "00020" }, clips[0].SelectFrames(3, 10));
    }
}

[Collection(TorchGlobalState.Name)]
public class DavisEvalTests
{
    public DavisEvalTests() => TorchRuntime.EnsureLoaded();

    [SkippableFact]
    public async Task RandomTinyVitOnOneDavisSequenceGivesADeterministicScoreAndEvalJson()
    {
        string bear = Path.Combine(RepoPaths.RealData, "davis2016_bear");
        Skip.IfNot(Directory.Exists(bear), "davis2016_bear is not in ../shared/data/real");
        var clips = VideoSegmentationClip.Discover(bear);
        manual_seed(0);
        using var model = new DinoVisionTransformer(VitConfig.Tiny);
        var options = new VideoSegmentationEvalOptions(new ClipEvalOptions(2, ClusteringScope.PerClip, Restarts: 3, Seed: 1), MaxFrames: 3, FrameStride: 20);
        string dir = Path.Combine(Path.GetTempPath(), "mosic-eval-" + Guid.NewGuid().ToString("N"));
        try
        {
            var a = await VideoSegmentationEval.RunAsync(clips, model, "random:tiny", options, dir, CancellationToken.None);
            var b = await VideoSegmentationEval.RunAsync(clips, model, "random:tiny", options, null, CancellationToken.None);
            Assert.Single(a.Clips);
            Assert.Equal(3, a.Clips[0].Frames.Length);
            Assert.InRange(a.MeanClipMiou, 0.0, 1.0);
            Assert.True(a.MeanClipMiou > 0);
            Assert.Equal(a.MeanClipMiou, b.MeanClipMiou);
            Assert.Equal(a.Clips[0].FrameMiou, b.Clips[0].FrameMiou);
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json")));
            Assert.Equal(a.MeanClipMiou, json.RootElement.GetProperty("mean_clip_miou").GetDouble());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
