using System.Text.Json;
using System.Text.Json.Serialization;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>One more (scope, K) to score on the same features as the headline.</summary>
public sealed record EvalVariant(ClusteringScope Scope, int? Clusters);

/// <summary>
/// Settings of <see cref="VideoSegmentationEval.RunAsync"/>. <c>Clustering</c> is the headline setting; <c>Also</c> lists
/// further (scope, K) pairs scored on the same frames and features. <c>VizDir</c>, when set, receives one overlay PNG per
/// frame of the headline (<c>&lt;clip&gt;/&lt;frame&gt;.png</c>).
/// </summary>
public sealed record VideoSegmentationEvalOptions(ClipEvalOptions Clustering, int MaxFrames = 8, int FrameStride = 1, int ImageSize = 224, string? VizDir = null,
    FrameSampling Sampling = FrameSampling.First, IReadOnlyList<EvalVariant>? Also = null);

/// <summary>One clip's line in eval.json. <c>BackgroundMiou</c>: the floor, predicting background everywhere on the same
/// frames (<see cref="ClipSegmentationEval.BackgroundOnlyMeanIoU"/>); <c>FrameClusters</c>: the K each frame's clustering used.</summary>
public sealed record ClipScore(string Clip, string[] Frames, double[] FrameMiou, double ClipMiou, int Labels, double? BackgroundMiou = null, int[]? FrameClusters = null);

/// <summary>The scores of one (scope, K) setting.</summary>
public sealed record SegmentationResult(string Scope, string K, double? DatasetMiou, double MeanClipMiou, double MeanFrameMiou, double MeanBackgroundMiou, ClipScore[] Clips);

/// <summary>
/// eval.json. The top-level scores are the headline setting (<c>Scope</c>, <c>K</c>); <c>Results</c> holds every setting
/// scored, the headline first. <c>DatasetMiou</c> is set in the per-dataset scope only: the mIoU of the single dataset-wide
/// matching. <c>Clusters</c> is the headline's K, 0 when K is "auto" (the labels present).
/// </summary>
public sealed record VideoSegmentationReport(string Backbone, string Scope, double? DatasetMiou, int Clusters, int PcaDimensions, int Restarts, ulong Seed,
    int MaxFrames, int FrameStride, int ImageSize, double MeanClipMiou, double MeanFrameMiou, ClipScore[] Clips, double? MeanBackgroundMiou = null,
    string K = "", string Level = "", string FrameSampling = "", int? EvalSize = null, SegmentationResult[]? Results = null)
{
    /// <summary>How <see cref="Backbone"/> starts for a randomly initialised backbone (no checkpoint): <c>random:ARCH:seedN</c>.</summary>
    public const string RandomPrefix = "random:";

    /// <summary>True when no checkpoint was loaded: the scores are a random-features baseline, not a trained backbone's (<c>random_init</c> in eval.json).</summary>
    public bool RandomInit => Backbone.StartsWith(RandomPrefix, StringComparison.Ordinal);
}

/// <summary>
/// The unsupervised video segmentation evaluation over DAVIS / YouTube-VOS style clips with a frozen backbone:
/// per clip, the selected frames' patch features are clustered (<see cref="ClipSegmentationEval"/>) and scored against
/// the masks; the dataset score is the mean over clips (or frames).
/// </summary>
public static class VideoSegmentationEval
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The name a scope has in reports (<c>per_frame</c>, <c>per_clip</c>, <c>per_dataset</c>).</summary>
    public static string ScopeName(ClusteringScope scope) => scope switch
    {
        ClusteringScope.PerClip => "per_clip",
        ClusteringScope.PerFrame => "per_frame",
        _ => "per_dataset",
    };

    public static async Task<VideoSegmentationReport> RunAsync(IReadOnlyList<VideoSegmentationClip> clips, DinoVisionTransformer model,
        string backboneName, VideoSegmentationEvalOptions options, string? outputDir, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var c = options.Clustering;
        int grid = options.ImageSize / model.Config.PatchSize;
        using var scope = NewDisposeScope();
        // Features once per clip; every setting clusters the same ones.
        var loaded = new List<(VideoSegmentationClip Clip, string[] Stems, Tensor Features, LabelMap[] Masks)>();
        foreach (var clip in clips)
        {
            ct.ThrowIfCancellationRequested();
            var stems = clip.SelectFrames(options.MaxFrames, options.FrameStride, options.Sampling, c.Seed + 1);
            if (stems.Count == 0) continue;
            LabelMap[] masks = clip.ReadMasks(stems);
            Tensor features;
            using (var frameScope = NewDisposeScope())
            {
                Tensor frames = await clip.LoadFramesAsync(stems, options.ImageSize, ct).ConfigureAwait(false);
                features = FeatureNormalisation.PatchFeatures(model, frames).MoveToOuterDisposeScope();
            }
            loaded.Add((clip, [.. stems], features, masks));
        }

        var variants = new[] { new EvalVariant(c.Scope, c.Clusters) }.Concat(options.Also ?? []).Distinct().ToArray();
        var results = new List<SegmentationResult>();
        foreach (var variant in variants)
        {
            var o = c with { Scope = variant.Scope, Clusters = variant.Clusters };
            bool headline = results.Count == 0;
            results.Add(await ScoreAsync(loaded, grid, o, headline ? options.VizDir : null, ct).ConfigureAwait(false));
        }

        SegmentationResult head = results[0];
        var report = new VideoSegmentationReport(backboneName, head.Scope, head.DatasetMiou,
            c.Clusters ?? 0, c.PcaDimensions, c.Restarts, c.Seed, options.MaxFrames, options.FrameStride, options.ImageSize,
            head.MeanClipMiou, head.MeanFrameMiou, head.Clips, head.MeanBackgroundMiou,
            c.KName, c.Level == ClusteringLevel.Pixel ? "pixel" : "patch", options.Sampling == FrameSampling.First ? "first" : "random", c.EvalSize, [.. results]);
        if (outputDir is not null)
        {
            Directory.CreateDirectory(outputDir);
            await File.WriteAllTextAsync(Path.Combine(outputDir, "eval.json"), JsonSerializer.Serialize(report, Json), ct).ConfigureAwait(false);
        }
        return report;
    }

    private static async Task<SegmentationResult> ScoreAsync(IReadOnlyList<(VideoSegmentationClip Clip, string[] Stems, Tensor Features, LabelMap[] Masks)> loaded,
        int grid, ClipEvalOptions o, string? vizDir, CancellationToken ct)
    {
        var scores = new List<ClipScore>();
        double? datasetMiou = null;
        if (o.Scope != ClusteringScope.PerDataset)
        {
            foreach (var l in loaded)
            {
                ct.ThrowIfCancellationRequested();
                int labels = Math.Max(2, l.Masks.Max(m => m.MaxLabel) + 1);
                var r = ClipSegmentationEval.Evaluate(l.Features, grid, grid, l.Masks, labels, o);
                scores.Add(new ClipScore(l.Clip.Name, l.Stems, r.FrameMeanIoU, r.ClipMeanIoU, labels, ClipSegmentationEval.BackgroundOnlyMeanIoU(r.Truth), r.Clusters));
                await WriteOverlaysAsync(vizDir, l.Clip, l.Stems, r, ct).ConfigureAwait(false);
            }
        }
        else if (loaded.Count > 0)
        {
            int labels = Math.Max(2, loaded.SelectMany(l => l.Masks).Max(m => m.MaxLabel) + 1);
            var (miou, results) = ClipSegmentationEval.EvaluateDataset(
                [.. loaded.Select(l => (l.Features, (IReadOnlyList<LabelMap>)l.Masks))], grid, grid, labels, o);
            datasetMiou = miou;
            for (int i = 0; i < loaded.Count; i++)
            {
                scores.Add(new ClipScore(loaded[i].Clip.Name, loaded[i].Stems, results[i].FrameMeanIoU, results[i].ClipMeanIoU, labels,
                    ClipSegmentationEval.BackgroundOnlyMeanIoU(results[i].Truth), results[i].Clusters));
                await WriteOverlaysAsync(vizDir, loaded[i].Clip, loaded[i].Stems, results[i], ct).ConfigureAwait(false);
            }
        }
        return new SegmentationResult(ScopeName(o.Scope), o.KName, datasetMiou,
            scores.Select(s => s.ClipMiou).DefaultIfEmpty(double.NaN).Average(),
            scores.SelectMany(s => s.FrameMiou).DefaultIfEmpty(double.NaN).Average(),
            scores.Select(s => s.BackgroundMiou ?? double.NaN).DefaultIfEmpty(double.NaN).Average(),
            [.. scores]);
    }

    private static async Task WriteOverlaysAsync(string? vizDir, VideoSegmentationClip clip, IReadOnlyList<string> stems, ClipEvalResult r, CancellationToken ct)
    {
        if (vizDir is null) return;
        var pictures = await clip.LoadPicturesAsync(stems, r.Truth[0].Width, r.Truth[0].Height, ct).ConfigureAwait(false);
        try
        {
            for (int f = 0; f < stems.Count; f++)
                SegmentationOverlay.Write(pictures[f], r.Truth[f], r.ClusterMaps[f], r.ClusterToLabel[f], Path.Combine(vizDir, clip.Name, stems[f] + ".png"));
        }
        finally
        {
            foreach (var p in pictures) p.Dispose();
        }
    }
}
