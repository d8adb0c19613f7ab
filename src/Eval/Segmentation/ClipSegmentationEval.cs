using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>A ground-truth label map: row-major ids, 0 background, <see cref="SegmentationConfusion.IgnoreLabel"/> void.</summary>
public sealed record LabelMap(int Width, int Height, int[] Labels)
{
    public int MaxLabel => Labels.Where(l => l != SegmentationConfusion.IgnoreLabel).DefaultIfEmpty(0).Max();

    /// <summary>The distinct non-void labels.</summary>
    public IEnumerable<int> Present => Labels.Where(l => l != SegmentationConfusion.IgnoreLabel).Distinct();

    /// <summary>Nearest resize to <paramref name="width"/> × <paramref name="height"/> (torch "nearest": source = ⌊dst · in / out⌋), as TimeT resizes its ground truth.</summary>
    public LabelMap Resized(int width, int height)
    {
        if (width == Width && height == Height) return this;
        var labels = new int[width * height];
        for (int y = 0; y < height; y++)
        {
            int sy = Math.Min(Height - 1, (int)((long)y * Height / height));
            for (int x = 0; x < width; x++) labels[y * width + x] = Labels[sy * Width + Math.Min(Width - 1, (int)((long)x * Width / width))];
        }
        return new LabelMap(width, height, labels);
    }
}

/// <summary>Which patches share one clustering.</summary>
public enum ClusteringScope
{
    /// <summary>Each frame is clustered and matched on its own; the clip scores the mean over its frames.</summary>
    PerFrame,

    /// <summary>All frames of a clip are clustered together and matched once over the clip's pixels.</summary>
    PerClip,

    /// <summary>All frames of all clips are clustered together and matched once over the dataset's pixels
    /// (<see cref="ClipSegmentationEval.EvaluateDataset"/>).</summary>
    PerDataset,
}

/// <summary>What k-means clusters.</summary>
public enum ClusteringLevel
{
    /// <summary>Pixels, as TimeT: the PCA maps are bilinearly upsampled to the evaluation size first.</summary>
    Pixel,

    /// <summary>Patches; the cluster grid is then upsampled (nearest) to the evaluation size. Cheaper, blockier.</summary>
    Patch,
}

/// <summary>Settings of <see cref="ClipSegmentationEval.Evaluate"/>. Defaults follow TimeT's evaluation (docs/eval.md).</summary>
/// <param name="Clusters">K; null = the number of labels present in the scope (TimeT's annotation-driven K).</param>
/// <param name="Scope">Frame, clip or dataset.</param>
/// <param name="PcaDimensions">StandardScaler + PCA output dimensions, fitted over the scope's frames (the clip's for the
/// frame and clip scopes, everything for the dataset scope).</param>
/// <param name="Restarts">k-means restarts (TimeT/faiss: 5).</param>
/// <param name="MaxIterations">Lloyd iterations per restart at most (TimeT/faiss: 50).</param>
/// <param name="Seed">k-means and subsampling seed.</param>
/// <param name="Level">Pixel (default, TimeT) or patch clustering.</param>
/// <param name="EvalSize">Side of the square the ground truth is resized to (nearest) and scored at, and the pixel level
/// clusters at (TimeT: 224); null = each mask's own size.</param>
/// <param name="MaxPointsPerCentroid">k-means is fitted on at most this many points per cluster (a seeded subsample,
/// faiss's default 256), then every point is assigned to the nearest centre.</param>
public sealed record ClipEvalOptions(int? Clusters, ClusteringScope Scope = ClusteringScope.PerClip, int PcaDimensions = 50,
    int Restarts = 5, int MaxIterations = 50, ulong Seed = 0, ClusteringLevel Level = ClusteringLevel.Pixel, int? EvalSize = 224,
    int MaxPointsPerCentroid = 256)
{
    /// <summary>"auto" or the number.</summary>
    public string KName => Clusters?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "auto";
}

/// <summary>Scores of one clip.</summary>
/// <param name="FrameMeanIoU">Per frame: under <see cref="ClusteringScope.PerFrame"/> that frame's own matching; under
/// <see cref="ClusteringScope.PerClip"/> the frame's pixels under the clip-wide matching.</param>
/// <param name="ClipMeanIoU">The clip's score (see <see cref="ClusteringScope"/>).</param>
/// <param name="ClusterMaps">Per frame, the cluster id of every pixel at the evaluation size (row-major).</param>
/// <param name="ClusterToLabel">Per frame, the matching used for that frame (cluster → label; unmatched clusters → 0, background).</param>
/// <param name="Clusters">Per frame, the K its clustering used.</param>
/// <param name="Truth">Per frame, the ground truth as scored (resized to the evaluation size).</param>
public sealed record ClipEvalResult(double[] FrameMeanIoU, double ClipMeanIoU, int[][] ClusterMaps, int[][] ClusterToLabel, int[] Clusters, LabelMap[] Truth);

/// <summary>
/// The unsupervised video segmentation protocol on one clip's frozen patch features, as TimeT runs it: StandardScaler +
/// PCA over the scope's frames, k-means on pixels (the PCA maps bilinearly upsampled) or on patches, Hungarian matching on
/// IoU against the ground truth resized (nearest) to the evaluation size, mIoU over the labels present.
/// </summary>
public static class ClipSegmentationEval
{
    /// <param name="patchFeatures">(T, rows·cols, D) patch tokens, row-major grid.</param>
    /// <param name="rows">Patch grid rows.</param>
    /// <param name="cols">Patch grid columns.</param>
    /// <param name="masks">T ground-truth maps (any size).</param>
    /// <param name="labels">Number of label ids (max id + 1; at least 2).</param>
    /// <param name="options">Clustering settings.</param>
    public static ClipEvalResult Evaluate(Tensor patchFeatures, int rows, int cols, IReadOnlyList<LabelMap> masks, int labels, ClipEvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(patchFeatures);
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentNullException.ThrowIfNull(options);
        if (patchFeatures.dim() != 3 || patchFeatures.shape[1] != (long)rows * cols)
            throw new ArgumentException($"patch features must be (T, {rows}·{cols}, D), got [{string.Join(", ", patchFeatures.shape)}].");
        int t = (int)patchFeatures.shape[0];
        if (masks.Count != t) throw new ArgumentException($"{masks.Count} masks for {t} frames.");
        if (options.Scope == ClusteringScope.PerDataset)
            throw new ArgumentException("per-dataset clustering spans clips: use EvaluateDataset.", nameof(options));
        using var scope = NewDisposeScope();
        LabelMap[] truth = [.. masks.Select(m => ToEvalSize(m, options))];
        // PCA over the scope's frames (TimeT fits it over its whole batch), never per frame.
        Tensor[] reduced = Reduce([patchFeatures], options)[0];
        var maps = new int[t][];
        var frameScores = new double[t];
        var matchings = new int[t][];
        var ks = new int[t];

        if (options.Scope == ClusteringScope.PerFrame)
        {
            for (int f = 0; f < t; f++)
            {
                ks[f] = options.Clusters ?? LabelsPresent([truth[f]]);
                maps[f] = Cluster([reduced[f]], rows, cols, [truth[f]], ks[f], options)[0];
                var conf = new SegmentationConfusion(ks[f], labels);
                conf.Add(maps[f], truth[f].Labels);
                var m = conf.Match();
                frameScores[f] = m.MeanIoU;
                matchings[f] = m.ClusterToLabel;
            }
            return new ClipEvalResult(frameScores, frameScores.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(), maps, matchings, ks, truth);
        }

        int k = options.Clusters ?? LabelsPresent(truth);
        maps = Cluster(reduced, rows, cols, truth, k, options);
        var clip = new SegmentationConfusion(k, labels);
        for (int f = 0; f < t; f++) clip.Add(maps[f], truth[f].Labels);
        var clipMatch = clip.Match();
        for (int f = 0; f < t; f++)
        {
            frameScores[f] = MeanIoUUnder(maps[f], truth[f].Labels, clipMatch.ClusterToLabel, labels);
            matchings[f] = clipMatch.ClusterToLabel;
            ks[f] = k;
        }
        return new ClipEvalResult(frameScores, clipMatch.MeanIoU, maps, matchings, ks, truth);
    }

    /// <summary>
    /// Per-dataset scope: one PCA + k-means over every frame of every clip, one Hungarian matching over all their pixels.
    /// Returns the dataset mIoU and, per clip, its mIoU under the dataset-wide matching.
    /// </summary>
    public static (double DatasetMeanIoU, ClipEvalResult[] Clips) EvaluateDataset(
        IReadOnlyList<(Tensor Features, IReadOnlyList<LabelMap> Masks)> clips, int rows, int cols, int labels, ClipEvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(options);
        if (clips.Count == 0) throw new ArgumentException("no clips.", nameof(clips));
        long patches = (long)rows * cols;
        foreach (var (f, m) in clips)
            if (f.dim() != 3 || f.shape[1] != patches || f.shape[0] != m.Count)
                throw new ArgumentException($"clip features [{string.Join(", ", f.shape)}] with {m.Count} masks; expected (T, {patches}, D).");
        using var scope = NewDisposeScope();
        LabelMap[][] truth = [.. clips.Select(c => c.Masks.Select(m => ToEvalSize(m, options)).ToArray())];
        Tensor[][] reduced = Reduce([.. clips.Select(c => c.Features)], options);
        LabelMap[] allTruth = [.. truth.SelectMany(x => x)];
        int k = options.Clusters ?? LabelsPresent(allTruth);
        int[][] allMaps = Cluster([.. reduced.SelectMany(x => x)], rows, cols, allTruth, k, options);
        var dataset = new SegmentationConfusion(k, labels);
        for (int i = 0; i < allMaps.Length; i++) dataset.Add(allMaps[i], allTruth[i].Labels);
        var match = dataset.Match();
        var results = new ClipEvalResult[clips.Count];
        int at = 0;
        for (int c = 0; c < clips.Count; c++)
        {
            int n = truth[c].Length;
            int[][] maps = allMaps[at..(at + n)];
            at += n;
            double[] frames = [.. Enumerable.Range(0, n).Select(i => MeanIoUUnder(maps[i], truth[c][i].Labels, match.ClusterToLabel, labels))];
            var clipConf = new SegmentationConfusion(k, labels);
            for (int i = 0; i < n; i++) clipConf.Add(maps[i], truth[c][i].Labels);
            double clipScore = MeanIoUUnder(Flatten(clipConf), match.ClusterToLabel, labels);
            results[c] = new ClipEvalResult(frames, clipScore, maps, [.. Enumerable.Repeat(match.ClusterToLabel, n)], [.. Enumerable.Repeat(k, n)], truth[c]);
        }
        return (match.MeanIoU, results);
    }

    /// <summary>
    /// The floor every score should be read against: mIoU of predicting background (label 0) at every pixel of
    /// <paramref name="masks"/>, pooled over them: IoU(background) = background pixels / non-void pixels, every other
    /// present label scores 0, the mean is over the labels present.
    /// </summary>
    public static double BackgroundOnlyMeanIoU(IReadOnlyList<LabelMap> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        long background = 0, counted = 0;
        var present = new HashSet<int>();
        foreach (var m in masks)
            foreach (int l in m.Labels)
            {
                if (l == SegmentationConfusion.IgnoreLabel) continue;
                counted++;
                if (l == 0) background++;
                present.Add(l);
            }
        return present.Count == 0 ? double.NaN : (double)background / counted / present.Count;
    }

    /// <summary>The ground truth as the protocol scores it: resized (nearest) to the evaluation size, if one is set.</summary>
    public static LabelMap ToEvalSize(LabelMap mask, ClipEvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(options);
        return options.EvalSize is { } s ? mask.Resized(s, s) : mask;
    }

    /// <summary>K of the annotation-driven protocol: the distinct labels present in the scope's ground truth (at least 1).</summary>
    public static int LabelsPresent(IEnumerable<LabelMap> masks) => Math.Max(1, masks.SelectMany(m => m.Present).Distinct().Count());

    // StandardScaler + PCA fitted over every frame given, each frame then projected: per clip, per frame [P, d] (float64).
    private static Tensor[][] Reduce(IReadOnlyList<Tensor> clips, ClipEvalOptions o)
    {
        long d = clips[0].shape[2];
        using var pca = Pca.Fit(cat([.. clips.Select(c => c.reshape(-1, d))], 0), o.PcaDimensions);
        return [.. clips.Select(c => Enumerable.Range(0, (int)c.shape[0]).Select(f => pca.Transform(c[f])).ToArray())];
    }

    // One k-means over the given frames (each [P, d], reduced), at the level asked; cluster ids per pixel of each frame's
    // truth size. The fit sees at most MaxPointsPerCentroid · K points (a seeded sample, as faiss does), the assignment all.
    private static int[][] Cluster(IReadOnlyList<Tensor> frames, int rows, int cols, IReadOnlyList<LabelMap> sizes, int k, ClipEvalOptions o)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(o.Seed + 0x5EED);
        Func<int, Tensor> points = o.Level == ClusteringLevel.Patch
            ? f => frames[f]
            : f => Upsampled(frames[f], rows, cols, sizes[f].Width, sizes[f].Height);
        long total = o.Level == ClusteringLevel.Patch ? frames.Sum(f => f.shape[0]) : sizes.Sum(s => (long)s.Width * s.Height);
        long budget = (long)o.MaxPointsPerCentroid * k;
        var fit = new List<Tensor>();
        for (int f = 0; f < frames.Count; f++)
        {
            // One frame's pixels at a time: a clip's upsampled maps are never all in memory.
            using var frameScope = NewDisposeScope();
            Tensor x = points(f);
            long take = total <= budget ? x.shape[0] : Math.Min(x.shape[0], (budget + frames.Count - 1) / frames.Count);
            Tensor part = take == x.shape[0] ? x : x.index_select(0, randperm(x.shape[0], generator: generator).narrow(0, 0, take));
            fit.Add(part.MoveToOuterDisposeScope());
        }
        Tensor data = cat(fit, 0);
        using var km = KMeans.Fit(data, new KMeansOptions(Math.Min(k, (int)data.shape[0]), o.Restarts, o.MaxIterations, Seed: o.Seed));
        var maps = new int[frames.Count][];
        for (int f = 0; f < frames.Count; f++)
        {
            using var frameScope = NewDisposeScope();
            long[] ids = KMeans.Assign(points(f), km.Centres).data<long>().ToArray();
            maps[f] = o.Level == ClusteringLevel.Patch ? Upsample(ids, 0, rows, cols, sizes[f]) : [.. ids.Select(i => (int)i)];
        }
        return maps;
    }

    // The [P, d] PCA map of one frame bilinearly upsampled (align_corners false, torch's default as in TimeT) to
    // width × height: [width · height, d], row-major.
    private static Tensor Upsampled(Tensor frame, int rows, int cols, int width, int height)
    {
        Tensor map = frame.t().reshape(1, -1, rows, cols);
        Tensor up = F.interpolate(map, size: new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false);
        return up.reshape(map.shape[1], -1).t().contiguous();
    }

    // mIoU over the labels present in the counts, with a fixed cluster → label map.
    private static double MeanIoUUnder(long[,] counts, int[] clusterToLabel, int labels)
    {
        var tp = new long[labels];
        var pred = new long[labels];
        var act = new long[labels];
        for (int c = 0; c < counts.GetLength(0); c++)
            for (int l = 0; l < labels; l++)
            {
                long n = counts[c, l];
                act[l] += n;
                int p = clusterToLabel[c];
                if (p < 0) continue;
                pred[p] += n;
                if (p == l) tp[l] += n;
            }
        var present = Enumerable.Range(0, labels).Where(l => act[l] > 0).ToArray();
        return present.Length == 0 ? double.NaN : present.Average(l => (double)tp[l] / (pred[l] + act[l] - tp[l]));
    }

    private static long[,] Flatten(SegmentationConfusion conf)
    {
        var counts = new long[conf.Clusters, conf.Labels];
        for (int c = 0; c < conf.Clusters; c++)
            for (int l = 0; l < conf.Labels; l++)
                counts[c, l] = conf.Count(c, l);
        return counts;
    }

    /// <summary>Nearest (torch "nearest") upsampling of a rows×cols id grid starting at <paramref name="offset"/> to the mask's size.</summary>
    public static int[] Upsample(IReadOnlyList<long> ids, long offset, int rows, int cols, LabelMap mask)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(mask);
        var result = new int[mask.Width * mask.Height];
        for (int y = 0; y < mask.Height; y++)
        {
            int r = Math.Min(rows - 1, (int)((long)y * rows / mask.Height));
            for (int x = 0; x < mask.Width; x++)
            {
                int c = Math.Min(cols - 1, (int)((long)x * cols / mask.Width));
                result[y * mask.Width + x] = (int)ids[(int)(offset + (long)r * cols + c)];
            }
        }
        return result;
    }

    // mIoU over the labels present in this frame, with a fixed cluster → label map (unmatched clusters predict nothing).
    private static double MeanIoUUnder(int[] clusters, int[] gt, int[] clusterToLabel, int labels)
    {
        var tp = new long[labels];
        var pred = new long[labels];
        var act = new long[labels];
        for (int i = 0; i < gt.Length; i++)
        {
            int g = gt[i];
            if (g == SegmentationConfusion.IgnoreLabel) continue;
            act[g]++;
            int p = clusterToLabel[clusters[i]];
            if (p < 0) continue;
            pred[p]++;
            if (p == g) tp[g]++;
        }
        var present = Enumerable.Range(0, labels).Where(l => act[l] > 0).ToArray();
        return present.Length == 0 ? double.NaN : present.Average(l => (double)tp[l] / (pred[l] + act[l] - tp[l]));
    }
}
