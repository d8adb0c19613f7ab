using System.Text.Json;
using System.Text.Json.Serialization;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>Settings of <see cref="VideoSegmentationEval.RunAsync"/>; <c>VizDir</c>, when set, receives one overlay PNG per frame (<c>&lt;clip&gt;/&lt;frame&gt;.png</c>).</summary>
public sealed record VideoSegmentationEvalOptions(ClipEvalOptions Clustering, int MaxFrames = 8, int FrameStride = 1, int ImageSize = 224, string? VizDir = null);

/// <summary>One clip's line in eval.json. <c>BackgroundMiou</c>: the floor, predicting background everywhere on the same frames (<see cref="ClipSegmentationEval.BackgroundOnlyMeanIoU"/>).</summary>
public sealed record ClipScore(string Clip, string[] Frames, double[] FrameMiou, double ClipMiou, int Labels, double? BackgroundMiou = null);

/// <summary>eval.json. <c>DatasetMiou</c> is set in the per-dataset scope only: the mIoU of the single dataset-wide matching.</summary>
public sealed record VideoSegmentationReport(string Backbone, string Scope, double? DatasetMiou, int Clusters, int PcaDimensions, int Restarts, ulong Seed,
    int MaxFrames, int FrameStride, int ImageSize, double MeanClipMiou, double MeanFrameMiou, ClipScore[] Clips, double? MeanBackgroundMiou = null)
{
    /// <summary>How <see cref="Backbone"/> starts for a randomly initialised backbone (no checkpoint): <c>random:ARCH:seedN</c>.</summary>
    public const string RandomPrefix = "random:";

    /// <summary>True when no checkpoint was loaded: the scores are a random-features baseline, not a trained backbone's (<c>random_init</c> in eval.json).</summary>
    public bool RandomInit => Backbone.StartsWith(RandomPrefix, StringComparison.Ordinal);
}

/// <summary>
/// The unsupervised video segmentation evaluation over DAVIS / YouTube-VOS style clips with a frozen backbone:
/// per clip, the selected frames' patch features are clustered (<see cref="ClipSegmentationEval"/>) and scored against
/// the masks; the dataset score is the mean over clips.
/// </summary>
public static class VideoSegmentationEval
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static async Task<VideoSegmentationReport> RunAsync(IReadOnlyList<VideoSegmentationClip> clips, DinoVisionTransformer model,
        string backboneName, VideoSegmentationEvalOptions options, string? outputDir, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var scores = new List<ClipScore>();
        var c = options.Clustering;
        int grid = options.ImageSize / model.Config.PatchSize;
        using var scope = NewDisposeScope();
        var loaded = new List<(VideoSegmentationClip Clip, string[] Stems, Tensor Features, LabelMap[] Masks)>();
        foreach (var clip in clips)
        {
            ct.ThrowIfCancellationRequested();
            var stems = clip.SelectFrames(options.MaxFrames, options.FrameStride);
            if (stems.Count == 0) continue;
            LabelMap[] masks = clip.ReadMasks(stems);
            Tensor features;
            using (var frameScope = NewDisposeScope())
            {
                Tensor frames = await clip.LoadFramesAsync(stems, options.ImageSize, ct).ConfigureAwait(false);
                features = FeatureNormalisation.PatchFeatures(model, frames).MoveToOuterDisposeScope();
            }
            if (c.Scope != ClusteringScope.PerDataset)
            {
                int labels = Math.Max(2, masks.Max(m => m.MaxLabel) + 1);
                var r = ClipSegmentationEval.Evaluate(features, grid, grid, masks, labels, c);
                scores.Add(new ClipScore(clip.Name, stems.ToArray(), r.FrameMeanIoU, r.ClipMeanIoU, labels, ClipSegmentationEval.BackgroundOnlyMeanIoU(masks)));
                await WriteOverlaysAsync(options.VizDir, clip, stems, masks, r, ct).ConfigureAwait(false);
                features.Dispose();
            }
            else loaded.Add((clip, stems.ToArray(), features, masks));
        }
        double? datasetMiou = null;
        if (c.Scope == ClusteringScope.PerDataset && loaded.Count > 0)
        {
            int labels = Math.Max(2, loaded.SelectMany(l => l.Masks).Max(m => m.MaxLabel) + 1);
            var (miou, results) = ClipSegmentationEval.EvaluateDataset(
                loaded.Select(l => (l.Features, (IReadOnlyList<LabelMap>)l.Masks)).ToArray(), grid, grid, labels, c);
            datasetMiou = miou;
            for (int i = 0; i < loaded.Count; i++)
            {
                scores.Add(new ClipScore(loaded[i].Clip.Name, loaded[i].Stems, results[i].FrameMeanIoU, results[i].ClipMeanIoU, labels,
                    ClipSegmentationEval.BackgroundOnlyMeanIoU(loaded[i].Masks)));
                await WriteOverlaysAsync(options.VizDir, loaded[i].Clip, loaded[i].Stems, loaded[i].Masks, results[i], ct).ConfigureAwait(false);
            }
        }
        string scopeName = c.Scope switch { ClusteringScope.PerClip => "per_clip", ClusteringScope.PerFrame => "per_frame", _ => "per_dataset" };
        var report = new VideoSegmentationReport(backboneName, scopeName, datasetMiou,
            c.Clusters, c.PcaDimensions, c.Restarts, c.Seed, options.MaxFrames, options.FrameStride, options.ImageSize,
            scores.Select(s => s.ClipMiou).DefaultIfEmpty(double.NaN).Average(),
            scores.SelectMany(s => s.FrameMiou).DefaultIfEmpty(double.NaN).Average(),
            scores.ToArray(),
            scores.Select(s => s.BackgroundMiou ?? double.NaN).DefaultIfEmpty(double.NaN).Average());
        if (outputDir is not null)
        {
            Directory.CreateDirectory(outputDir);
            await File.WriteAllTextAsync(Path.Combine(outputDir, "eval.json"), JsonSerializer.Serialize(report, Json), ct).ConfigureAwait(false);
        }
        return report;
    }

    private static async Task WriteOverlaysAsync(string? vizDir, VideoSegmentationClip clip, IReadOnlyList<string> stems, LabelMap[] masks,
        ClipEvalResult r, CancellationToken ct)
    {
        if (vizDir is null) return;
        var pictures = await clip.LoadPicturesAsync(stems, masks[0].Width, masks[0].Height, ct).ConfigureAwait(false);
        try
        {
            for (int f = 0; f < stems.Count; f++)
                SegmentationOverlay.Write(pictures[f], masks[f], r.ClusterMaps[f], r.ClusterToLabel[f], Path.Combine(vizDir, clip.Name, stems[f] + ".png"));
        }
        finally
        {
            foreach (var p in pictures) p.Dispose();
        }
    }
}
