using MoSiC.Stream.Eval.Segmentation;
using MoSiC.Stream.Model;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Eval.Segmentation;

public class ClipSegmentationEvalTests
{
    public ClipSegmentationEvalTests() => TorchRuntime.EnsureLoaded();

    // 3 frames, 4×4 patch grid, 8×8 masks (each patch 2×2 pixels). The object (label 1) is a vertical band of
    // patch columns that moves right by one each frame; its patches carry one feature direction, the rest another.
    private static (Tensor Features, LabelMap[] Masks) Synthetic(int frames = 3)
    {
        using var g = new Generator(4);
        var feats = zeros(new long[] { frames, 16, 6 });
        var masks = new LabelMap[frames];
        for (int f = 0; f < frames; f++)
        {
            var ids = new int[64];
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                    ids[y * 8 + x] = x / 2 == f ? 1 : 0;
            masks[f] = new LabelMap(8, 8, ids);
            for (int p = 0; p < 16; p++)
                feats[f, p, p % 4 == f ? 0 : 1] = 5f;
        }
        return (feats.add(randn(feats.shape, generator: g).mul(0.05)), masks);
    }

    [Theory]
    [InlineData(ClusteringScope.PerClip)]
    [InlineData(ClusteringScope.PerFrame)]
    public void SeparableFeaturesScorePerfectly(ClusteringScope scope)
    {
        using var d = NewDisposeScope();
        var (features, masks) = Synthetic();
        var r = ClipSegmentationEval.Evaluate(features, 4, 4, masks, 2, new ClipEvalOptions(2, scope, Restarts: 3, Seed: 1, Level: ClusteringLevel.Patch, EvalSize: null));
        Assert.Equal(1.0, r.ClipMeanIoU, 12);
        Assert.All(r.FrameMeanIoU, v => Assert.Equal(1.0, v, 12));
        Assert.Equal(64, r.ClusterMaps[0].Length);
    }

    [Fact]
    public void SameSeedSameScoresAndMaps()
    {
        using var d = NewDisposeScope();
        var (features, masks) = Synthetic();
        features = features.add(randn(features.shape, generator: new Generator(9)).mul(3)); // make it hard
        var o = new ClipEvalOptions(3, ClusteringScope.PerClip, Restarts: 2, Seed: 5, EvalSize: 16);
        var a = ClipSegmentationEval.Evaluate(features, 4, 4, masks, 2, o);
        var b = ClipSegmentationEval.Evaluate(features, 4, 4, masks, 2, o);
        Assert.Equal(a.ClipMeanIoU, b.ClipMeanIoU);
        for (int f = 0; f < masks.Length; f++) Assert.Equal(a.ClusterMaps[f], b.ClusterMaps[f]);
    }

    [Fact]
    public void NearestUpsamplingRepeatsEachPatch()
    {
        var ids = new long[] { 0, 1, 2, 3 }; // 2×2 grid
        var up = ClipSegmentationEval.Upsample(ids, 0, 2, 2, new LabelMap(4, 2, new int[8]));
        Assert.Equal(new[] { 0, 0, 1, 1, 2, 2, 3, 3 }, up);
    }
}

public class DatasetSegmentationEvalTests
{
    public DatasetSegmentationEvalTests() => TorchRuntime.EnsureLoaded();

    // One frame, 4×4 grid, 8×8 mask: the object (label 1) is patch column 0 (16 of 64 pixels). Its patches carry
    // feature direction `objectDim`, the background the other one.
    private static (Tensor, IReadOnlyList<LabelMap>) Clip(int objectDim)
    {
        var feats = zeros(new long[] { 1, 16, 2 });
        for (int p = 0; p < 16; p++) feats[0, p, p % 4 == 0 ? objectDim : 1 - objectDim] = 1f;
        var ids = new int[64];
        for (int i = 0; i < 64; i++) ids[i] = i % 8 < 2 ? 1 : 0;
        return (feats, new[] { new LabelMap(8, 8, ids) });
    }

    [Fact]
    public void ConsistentFeaturesAcrossClipsScorePerfectly()
    {
        using var d = NewDisposeScope();
        var (mean, clips) = ClipSegmentationEval.EvaluateDataset(new[] { Clip(0), Clip(0) }, 4, 4, 2,
            new ClipEvalOptions(2, ClusteringScope.PerDataset, PcaDimensions: 2, Restarts: 2, Seed: 3, Level: ClusteringLevel.Patch, EvalSize: null));
        Assert.Equal(1.0, mean, 12);
        Assert.All(clips, c => Assert.Equal(1.0, c.ClipMeanIoU, 12));
    }

    [Fact]
    public void SwappedFeaturesAcrossClipsScoreTheHandComputedDatasetMiou()
    {
        // Clip A: object = direction 0; clip B: object = direction 1. Per clip both are perfect, but one dataset matching
        // gives cluster "0" = A's object (16 px, label 1) + B's background (48 px, label 0), and "1" the reverse.
        // Label 0 has 96 px, label 1 32 px: IoU(·, l0) = 48 / (64 + 96 - 48) = 3/7, IoU(·, l1) = 16 / (64 + 32 - 16) = 1/5.
        using var d = NewDisposeScope();
        var (mean, _) = ClipSegmentationEval.EvaluateDataset(new[] { Clip(0), Clip(1) }, 4, 4, 2,
            new ClipEvalOptions(2, ClusteringScope.PerDataset, PcaDimensions: 2, Restarts: 2, Seed: 3, Level: ClusteringLevel.Patch, EvalSize: null));
        Assert.Equal((3.0 / 7 + 1.0 / 5) / 2, mean, 12);
        var (features, masks) = Clip(1);
        var alone = ClipSegmentationEval.Evaluate(features, 4, 4, masks, 2,
            new ClipEvalOptions(2, ClusteringScope.PerClip, PcaDimensions: 2, Restarts: 2, Seed: 3, Level: ClusteringLevel.Patch, EvalSize: null));
        Assert.Equal(1.0, alone.ClipMeanIoU, 12);
    }
}
