using System.Globalization;
using System.Text.Json;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Eval.Segmentation;
using MoSiC.Stream.Eval.Tracking;
using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Synthetic;
using static TorchSharp.torch;

namespace MoSiC.Stream.Eval.Correspondence;

/// <summary>Settings of <see cref="CorrespondenceEval.RunAsync"/>.</summary>
/// <param name="Gaps">Frame gaps from the source frame; the last annotated frame is always added as "last".</param>
/// <param name="ImageSize">Frames are stretched to size × size (the patch grid is size / patch).</param>
/// <param name="Radius">A hit lies within ±radius patches of the truth (default 1).</param>
/// <param name="Resamples">Bootstrap resamples over videos for the 95% intervals.</param>
/// <param name="Seed">Bootstrap seed.</param>
public sealed record CorrespondenceOptions(IReadOnlyList<int> Gaps, int ImageSize = 224, int Radius = 1, int Resamples = 1000, int Seed = 0)
{
    /// <summary>The gaps: 4, 8 and 16 frames, and the last frame.</summary>
    public static IReadOnlyList<int> DefaultGaps { get; } = [4, 8, 16];
}

/// <summary>A trained model's clustering teacher (backbone, projection head, prototypes): its labels are what the
/// MoSiC loss trains the student to predict along tracks.</summary>
public sealed record ClusteringTeacher(DinoVisionTransformer Backbone, ProjectionHead Head, Prototypes Prototypes) : IDisposable
{
    public void Dispose()
    {
        Backbone.Dispose();
        Head.Dispose();
        Prototypes.Dispose();
    }
}

/// <summary>One video at one gap.</summary>
public sealed record VideoGapScore(string Video, string Gap, int SourceFrame, int TargetFrame, int Points, double HitRate, double Chance,
    double? SameObject, double? LabelConsistency);

/// <summary>One gap over all videos: means over videos with 95% bootstrap intervals.</summary>
public sealed record GapScore(string Gap, int Videos, int Points, BootstrapMean HitRate, BootstrapMean Chance, BootstrapMean? SameObject, BootstrapMean? LabelConsistency);

/// <summary>correspondence.json: per gap, "all" (each video's points of every gap pooled), and per video.</summary>
public sealed record CorrespondenceReport(string Backbone, string? Teacher, int ImageSize, int Radius, int Resamples, GapScore[] Gaps, VideoGapScore[] Videos);

/// <summary>
/// <c>mosic-stream eval --correspondence</c>: temporal correspondence of frozen features on ground truth with point tracks
/// (a synthetic corpus, BADJA items). For each point visible on the source frame (the first annotated one) and on a target
/// frame (source + gap, or the next annotated frame after it; and the last), the cosine nearest neighbour of its source
/// patch feature among the target frame's patches; a hit within ±1 patch of its true position. Synthetic corpora also give
/// the same-object rate; a training checkpoint's teacher gives its label consistency along the same tracks.
/// </summary>
public static class CorrespondenceEval
{
    public const string AllGaps = "all";

    public static async Task<CorrespondenceReport> RunAsync(IReadOnlyList<TrackingGroundTruth> truths, DinoVisionTransformer model, string backboneName,
        ClusteringTeacher? teacher, string? teacherName, CorrespondenceOptions options, string? outputDir, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(truths);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var videos = new List<VideoGapScore>();
        foreach (TrackingGroundTruth truth in truths)
        {
            ct.ThrowIfCancellationRequested();
            videos.AddRange(await ScoreVideoAsync(truth, model, teacher, options, ct).ConfigureAwait(false));
        }

        string[] gaps = [.. options.Gaps.Select(g => g.ToString(CultureInfo.InvariantCulture)).Append("last").Append(AllGaps)];
        GapScore[] summary = [.. gaps.Select(g => Summarise(g, [.. videos.Where(v => v.Gap == g)], options)).Where(s => s.Videos > 0)];
        var report = new CorrespondenceReport(backboneName, teacherName, options.ImageSize, options.Radius, options.Resamples, summary, [.. videos]);
        if (outputDir is not null)
        {
            Directory.CreateDirectory(outputDir);
            await File.WriteAllTextAsync(Path.Combine(outputDir, "correspondence.json"), JsonSerializer.Serialize(report, VideoSegmentationEval.Json), ct).ConfigureAwait(false);
        }
        return report;
    }

    private static GapScore Summarise(string gap, IReadOnlyList<VideoGapScore> v, CorrespondenceOptions o)
    {
        BootstrapMean? Maybe(Func<VideoGapScore, double?> f) =>
            v.Any(x => f(x) is not null) ? BootstrapMean.Of(v.Select(x => f(x) ?? double.NaN), o.Resamples, o.Seed) : null;
        return new GapScore(gap, v.Count, v.Sum(x => x.Points), BootstrapMean.Of(v.Select(x => x.HitRate), o.Resamples, o.Seed),
            BootstrapMean.Of(v.Select(x => x.Chance), o.Resamples, o.Seed), Maybe(x => x.SameObject), Maybe(x => x.LabelConsistency));
    }

    private static async Task<List<VideoGapScore>> ScoreVideoAsync(TrackingGroundTruth truth, DinoVisionTransformer model, ClusteringTeacher? teacher,
        CorrespondenceOptions o, CancellationToken ct)
    {
        int t = truth.Frames, n = truth.Count;
        bool Seen(int p, int f) => truth.Annotated[p * t + f] && !truth.Occluded[p * t + f];
        int[] annotated = [.. Enumerable.Range(0, t).Where(f => Enumerable.Range(0, n).Any(p => truth.Annotated[p * t + f]))];
        var scores = new List<VideoGapScore>();
        if (annotated.Length < 2) return scores;
        int source = annotated[0];
        // Each gap's target: the first annotated frame at least `gap` after the source (the frame itself for dense truth).
        var targets = new List<(string Gap, int Frame)>();
        foreach (int g in o.Gaps)
            if (annotated.FirstOrDefault(f => f >= source + g, -1) is var f and >= 0) targets.Add((g.ToString(CultureInfo.InvariantCulture), f));
        targets.Add(("last", annotated[^1]));

        int[] needed = [.. targets.Select(x => x.Frame).Append(source).Distinct().Order()];
        int grid = o.ImageSize / model.Config.PatchSize;
        Dictionary<int, Tensor> features, teacherLabels;
        using var scope = NewDisposeScope();
        using (var frames = await LoadFramesAsync(truth, needed, o.ImageSize, ct).ConfigureAwait(false))
        {
            Tensor all = FeatureNormalisation.PatchFeatures(model, frames);
            features = needed.Select((f, i) => (f, all[i])).ToDictionary(x => x.f, x => x.Item2);
            teacherLabels = [];
            if (teacher is not null)
            {
                Tensor labels = Labels(teacher, frames);
                for (int i = 0; i < needed.Length; i++) teacherLabels[needed[i]] = labels[i];
            }
        }

        int Patch(int p, int f)
        {
            // Ground truth pixel → training-size pixel (pixel centres) → the patch the nearest sampler reads.
            double x = (truth.Points[2 * (p * t + f)] + 0.5) * o.ImageSize / truth.Width - 0.5, y = (truth.Points[2 * (p * t + f) + 1] + 0.5) * o.ImageSize / truth.Height - 0.5;
            int col = Math.Clamp((int)Math.Round(Math.Clamp(x, 0, o.ImageSize - 1)) * grid / o.ImageSize, 0, grid - 1);
            int row = Math.Clamp((int)Math.Round(Math.Clamp(y, 0, o.ImageSize - 1)) * grid / o.ImageSize, 0, grid - 1);
            return row * grid + col;
        }

        var pooled = MatchCounts.Zero;
        int pooledSame = 0, pooledLabelled = 0;
        foreach (var (gap, target) in targets)
        {
            if (target == source) continue;
            TrackedPatch[] points = [.. Enumerable.Range(0, n).Where(p => Seen(p, source) && Seen(p, target))
                .Select(p => new TrackedPatch(Patch(p, source), Patch(p, target), truth.Objects?[p] ?? -1))];
            if (points.Length == 0) continue;
            int[]? objects = truth.Objects is null ? null : PatchObjects(truth, target, grid);
            MatchCounts m = CorrespondenceMatch.NearestNeighbour(features[source], features[target], grid, grid, points, objects, o.Radius);
            (int Same, int Points)? labels = teacher is null ? null
                : CorrespondenceMatch.LabelConsistency(teacherLabels[source].data<long>().ToArray(), teacherLabels[target].data<long>().ToArray(), points);
            scores.Add(new VideoGapScore(truth.Name, gap, source, target, m.Points, (double)m.Hits / m.Points, m.ChanceHits / m.Points,
                m.WithObject > 0 ? (double)m.SameObject / m.WithObject : null, labels is { } l ? (double)l.Same / l.Points : null));
            pooled = pooled.Add(m);
            if (labels is { } c) (pooledSame, pooledLabelled) = (pooledSame + c.Same, pooledLabelled + c.Points);
        }
        if (pooled.Points > 0)
            scores.Add(new VideoGapScore(truth.Name, AllGaps, source, -1, pooled.Points, (double)pooled.Hits / pooled.Points, pooled.ChanceHits / pooled.Points,
                pooled.WithObject > 0 ? (double)pooled.SameObject / pooled.WithObject : null, pooledLabelled > 0 ? (double)pooledSame / pooledLabelled : null));
        return scores;
    }

    // The teacher's hard label of every patch of every frame: argmax over its prototypes (unit rows, as each training
    // step renormalises them) of the projected, normalised patch feature.
    private static Tensor Labels(ClusteringTeacher teacher, Tensor frames)
    {
        using var noGrad = no_grad();
        teacher.Prototypes.Renormalise();
        Tensor tokens = FeatureNormalisation.PatchFeatures(teacher.Backbone, frames);
        return teacher.Prototypes.forward(teacher.Head.forward(tokens)).argmax(-1);
    }

    // The object shown at the centre pixel of every patch of frame `frame`, from the corpus's palette mask.
    private static int[] PatchObjects(TrackingGroundTruth truth, int frame, int grid)
    {
        string video = truth.Source.Path, root = Path.GetDirectoryName(Path.GetDirectoryName(video))!;
        string mask = Path.Combine(CorpusLayout.Resolve(root, CorpusLayout.AnnotationFolder(Path.GetFileNameWithoutExtension(video))), CorpusLayout.MaskFile(frame));
        LabelMap m = MaskReader.Read(mask);
        var objects = new int[grid * grid];
        for (int r = 0; r < grid; r++)
            for (int c = 0; c < grid; c++)
            {
                int x = Math.Clamp((int)Math.Round((c + 0.5) * m.Width / grid - 0.5), 0, m.Width - 1);
                int y = Math.Clamp((int)Math.Round((r + 0.5) * m.Height / grid - 0.5), 0, m.Height - 1);
                objects[r * grid + c] = m.Labels[y * m.Width + x];
            }
        return objects;
    }

    // The frames `needed` (indices into the ground truth's frames) stretched to size × size and normalised as the eval does.
    private static async Task<Tensor> LoadFramesAsync(TrackingGroundTruth truth, int[] needed, int size, CancellationToken ct)
    {
        var decode = new DecodeOptions { Resize = ResizeMode.Stretch, Width = size, Height = size };
        using DecodedVideo video = await DecodedVideo.LoadAsync(truth.Source, decode, needed[^1] + 1, 1, ct).ConfigureAwait(false);
        if (video.Frames.Count <= needed[^1])
            throw new InvalidDataException($"{truth.Name}: {truth.Source.Path} decodes to {video.Frames.Count} frames, the ground truth needs frame {needed[^1]}");
        var bytes = new byte[needed.Length * size * size * 3];
        for (int i = 0; i < needed.Length; i++) video.Frames[needed[i]].Rgb.Span.CopyTo(bytes.AsSpan(i * size * size * 3));
        using var scope = NewDisposeScope();
        Tensor x = tensor(bytes, new long[] { needed.Length, size, size, 3 }).permute(0, 3, 1, 2).to(ScalarType.Float32).div(255);
        Tensor mean = tensor(FeatureNormalisation.Mean).reshape(1, 3, 1, 1), std = tensor(FeatureNormalisation.Std).reshape(1, 3, 1, 1);
        return x.sub(mean).div(std).contiguous().MoveToOuterDisposeScope();
    }
}
