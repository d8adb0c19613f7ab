using MoSiC.Stream.Eval.Segmentation;
using MoSiC.Stream.Model;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Eval.Segmentation;

/// <summary>
/// Each way the protocol now follows TimeT (issue #15, item 3), on hand-made features and masks: K from the labels
/// present, pixel-level clustering of bilinearly upsampled PCA maps, PCA fitted over the scope's frames, ground truth
/// resized (nearest) to the evaluation size, TimeT's random frame sampling.
/// </summary>
public sealed class TimeTAlignmentTests : IDisposable
{
    private readonly TempDir _dir = new();

    public TimeTAlignmentTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    // 4×4 patches over an 8×8 mask; a feature column per patch column: `objectness[c]` along dim 0, the rest along dim 1.
    private static Tensor Columns(params double[] objectness)
    {
        var f = zeros(new long[] { 1, 16, 2 }, ScalarType.Float64);
        for (int p = 0; p < 16; p++) { f[0, p, 0] = objectness[p % 4]; f[0, p, 1] = 1 - objectness[p % 4]; }
        return f;
    }

    private static LabelMap Mask(int width, int height, Func<int, int, int> label)
    {
        var ids = new int[width * height];
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) ids[y * width + x] = label(x, y);
        return new LabelMap(width, height, ids);
    }

    [Fact]
    public void Pixel_level_clustering_places_a_boundary_inside_a_patch_where_patch_level_cannot()
    {
        // The object covers pixel columns 0-2 of 8: one and a half patch columns. Patch column 1 is half object, half
        // background in its feature too. Bilinear upsampling (align_corners false) gives pixel columns objectness
        // 1, .875, .625, .375, .125, 0, 0, 0: two clusters split between .625 and .375, exactly at the object's edge.
        using var d = NewDisposeScope();
        Tensor features = Columns(1, 0.5, 0, 0);
        var mask = Mask(8, 8, (x, _) => x <= 2 ? 1 : 0);
        var pixel = ClipSegmentationEval.Evaluate(features, 4, 4, [mask], 2, new ClipEvalOptions(2, ClusteringScope.PerFrame, Restarts: 5, Seed: 1, EvalSize: null));
        var patch = ClipSegmentationEval.Evaluate(features, 4, 4, [mask], 2, new ClipEvalOptions(2, ClusteringScope.PerFrame, Restarts: 5, Seed: 1, Level: ClusteringLevel.Patch, EvalSize: null));
        Assert.Equal(1.0, pixel.ClipMeanIoU, 12);
        // Patch level: patch column 1 goes whole to one side, so 2 columns (or 4) against the object's 3: IoU 2/3 or 3/4.
        Assert.True(patch.ClipMeanIoU < 0.9, $"patch level {patch.ClipMeanIoU}");
    }

    [Fact]
    public void Auto_K_is_the_number_of_labels_present_in_the_frame_or_the_clip()
    {
        using var d = NewDisposeScope();
        Tensor features = cat([Columns(1, 0.5, 0, 0), Columns(0, 0, 1, 1)], 0);
        LabelMap[] masks = [Mask(8, 8, (x, _) => x < 2 ? 1 : x < 4 ? 2 : 0), Mask(8, 8, (x, _) => x >= 4 ? 1 : 0)];
        var perFrame = ClipSegmentationEval.Evaluate(features, 4, 4, masks, 3, new ClipEvalOptions(null, ClusteringScope.PerFrame, EvalSize: null));
        Assert.Equal(new[] { 3, 2 }, perFrame.Clusters);
        var perClip = ClipSegmentationEval.Evaluate(features, 4, 4, masks, 3, new ClipEvalOptions(null, ClusteringScope.PerClip, EvalSize: null));
        Assert.Equal(new[] { 3, 3 }, perClip.Clusters);
        var fixedK = ClipSegmentationEval.Evaluate(features, 4, 4, masks, 3, new ClipEvalOptions(10, ClusteringScope.PerFrame, EvalSize: null));
        Assert.Equal(new[] { 10, 10 }, fixedK.Clusters);
        Assert.Equal(1, ClipSegmentationEval.LabelsPresent([Mask(4, 4, (_, _) => 0)]));
    }

    [Fact]
    public void Per_frame_scope_projects_every_frame_with_the_pca_of_the_whole_clip()
    {
        // Frame A's object stands out along dims 0 and 2 (the same signal twice), frame B's along dim 1 only. After the
        // StandardScaler every dim has unit variance over the clip, so the clip's first PCA axis is dims 0 + 2
        // (eigenvalue 2) and frame B's object, orthogonal to it, is lost; a PCA of frame B alone would keep it.
        using var d = NewDisposeScope();
        var f = zeros(new long[] { 2, 16, 3 }, ScalarType.Float64);
        for (int p = 0; p < 16; p++)
        {
            // Half the patches are object, so every dim is centred already and the dims stay uncorrelated.
            double obj = p % 4 < 2 ? 1 : -1;
            f[0, p, 0] = obj;
            f[0, p, 2] = obj;
            f[1, p, 1] = obj;
        }
        var mask = Mask(8, 8, (x, _) => x < 4 ? 1 : 0);
        var r = ClipSegmentationEval.Evaluate(f, 4, 4, [mask, mask], 2,
            new ClipEvalOptions(2, ClusteringScope.PerFrame, PcaDimensions: 1, Restarts: 3, Seed: 2, Level: ClusteringLevel.Patch, EvalSize: null));
        Assert.Equal(1.0, r.FrameMeanIoU[0], 12);
        Assert.True(r.FrameMeanIoU[1] < 0.9, $"frame B {r.FrameMeanIoU[1]}: its own PCA was used");
    }

    [Fact]
    public void Ground_truth_is_resized_nearest_to_the_eval_size_and_scored_there()
    {
        var mask = Mask(4, 2, (x, y) => x + 4 * y);
        Assert.Equal(new[] { 0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 4, 4, 5, 5, 6, 6, 7, 7 }, mask.Resized(8, 4).Labels);
        // Shrinking keeps floor(dst · in / out): columns 0 and 2, rows 0.
        Assert.Equal(new[] { 0, 2 }, mask.Resized(2, 1).Labels);

        using var d = NewDisposeScope();
        var native = Mask(854, 480, (x, _) => x < 854 / 4 ? 1 : 0);
        var r = ClipSegmentationEval.Evaluate(Columns(1, 0, 0, 0), 4, 4, [native], 2, new ClipEvalOptions(2, ClusteringScope.PerFrame, Seed: 1, EvalSize: 224));
        Assert.Equal((224, 224), (r.Truth[0].Width, r.Truth[0].Height));
        Assert.Equal(224 * 224, r.ClusterMaps[0].Length);
        Assert.Equal(native.Resized(224, 224).Labels, r.Truth[0].Labels);
    }

    [Fact]
    public void Random_frame_sampling_draws_sorted_distinct_frames_over_the_whole_clip_reproducibly()
    {
        string frames = Directory.CreateDirectory(_dir.File("JPEGImages")).FullName, masks = Directory.CreateDirectory(_dir.File("Annotations")).FullName;
        for (int i = 0; i < 40; i++)
        {
            File.WriteAllBytes(Path.Combine(frames, $"{i:D5}.jpg"), []);
            File.WriteAllBytes(Path.Combine(masks, $"{i:D5}.png"), []);
        }
        var clip = new VideoSegmentationClip("seq", frames, masks);
        Assert.Equal(new[] { "00000", "00001", "00002", "00003" }, clip.SelectFrames(4, 1));
        var a = clip.SelectFrames(4, 1, FrameSampling.Random, 1);
        Assert.Equal(a, clip.SelectFrames(4, 1, FrameSampling.Random, 1));
        Assert.Equal(4, a.Distinct().Count());
        Assert.Equal(a.Order(StringComparer.Ordinal), a);
        Assert.NotEqual(a, clip.SelectFrames(4, 1, FrameSampling.Random, 2));
        // Over many seeds the draws cover the clip: late frames are picked too, unlike "first".
        var seen = Enumerable.Range(0, 50).SelectMany(s => clip.SelectFrames(4, 1, FrameSampling.Random, (ulong)s)).ToHashSet();
        Assert.Contains("00039", seen);
        Assert.True(seen.Count > 30);
    }
}
