using static TorchSharp.torch;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>A ground-truth label map: row-major ids, 0 background, <see cref="SegmentationConfusion.IgnoreLabel"/> void.</summary>
public sealed record LabelMap(int Width, int Height, int[] Labels)
{
    public int MaxLabel => Labels.Where(l => l != SegmentationConfusion.IgnoreLabel).DefaultIfEmpty(0).Max();
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

/// <summary>Settings of <see cref="ClipSegmentationEval.Evaluate"/>.</summary>
public sealed record ClipEvalOptions(int Clusters, ClusteringScope Scope = ClusteringScope.PerClip, int PcaDimensions = 50,
    int Restarts = 10, int MaxIterations = 300, ulong Seed = 0);

/// <summary>Scores of one clip.</summary>
/// <param name="FrameMeanIoU">Per frame: under <see cref="ClusteringScope.PerFrame"/> that frame's own matching; under
/// <see cref="ClusteringScope.PerClip"/> the frame's pixels under the clip-wide matching.</param>
/// <param name="ClipMeanIoU">The clip's score (see <see cref="ClusteringScope"/>).</param>
/// <param name="ClusterMaps">Per frame, the upsampled cluster id of every mask pixel (row-major, mask size).</param>
/// <param name="ClusterToLabel">Per frame, the matching used for that frame (cluster → label; unmatched clusters → 0, background).</param>
public sealed record ClipEvalResult(double[] FrameMeanIoU, double ClipMeanIoU, int[][] ClusterMaps, int[][] ClusterToLabel);

/// <summary>
/// The unsupervised video segmentation protocol on one clip's frozen patch features: StandardScaler + PCA, k-means,
/// nearest upsampling of the cluster grid to mask size, Hungarian matching on IoU, mIoU over the labels present.
/// </summary>
public static class ClipSegmentationEval
{
    /// <param name="patchFeatures">(T, rows·cols, D) patch tokens, row-major grid.</param>
    /// <param name="rows">Patch grid rows.</param>
    /// <param name="cols">Patch grid columns.</param>
    /// <param name="masks">T ground-truth maps (any size, upsampled to).</param>
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
        long patches = (long)rows * cols;
        var maps = new int[t][];
        var frameScores = new double[t];
        var matchings = new int[t][];

        if (options.Scope == ClusteringScope.PerFrame)
        {
            for (int f = 0; f < t; f++)
            {
                long[] ids = Cluster(patchFeatures[f], options);
                maps[f] = Upsample(ids, 0, rows, cols, masks[f]);
                var conf = new SegmentationConfusion(options.Clusters, labels);
                conf.Add(maps[f], masks[f].Labels);
                var m = conf.Match();
                frameScores[f] = m.MeanIoU;
                matchings[f] = m.ClusterToLabel;
            }
            return new ClipEvalResult(frameScores, frameScores.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(), maps, matchings);
        }

        long[] all = Cluster(patchFeatures.reshape(t * patches, patchFeatures.shape[2]), options);
        var clip = new SegmentationConfusion(options.Clusters, labels);
        for (int f = 0; f < t; f++)
        {
            maps[f] = Upsample(all, f * patches, rows, cols, masks[f]);
            clip.Add(maps[f], masks[f].Labels);
        }
        var clipMatch = clip.Match();
        for (int f = 0; f < t; f++)
        {
            frameScores[f] = MeanIoUUnder(maps[f], masks[f].Labels, clipMatch.ClusterToLabel, labels);
            matchings[f] = clipMatch.ClusterToLabel;
        }
        return new ClipEvalResult(frameScores, clipMatch.MeanIoU, maps, matchings);
    }

    /// <summary>
    /// Per-dataset scope: one PCA + k-means over the patches of every frame of every clip, one Hungarian matching over
    /// all their pixels. Returns the dataset mIoU and, per clip, its mIoU under the dataset-wide matching.
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
        long d = clips[0].Features.shape[2];
        long[] all = Cluster(cat(clips.Select(c => c.Features.reshape(-1, d)).ToArray(), 0), options);
        var dataset = new SegmentationConfusion(options.Clusters, labels);
        var maps = new List<int[][]>();
        long offset = 0;
        foreach (var (f, masks) in clips)
        {
            var clipMaps = new int[masks.Count][];
            for (int i = 0; i < masks.Count; i++)
            {
                clipMaps[i] = Upsample(all, offset, rows, cols, masks[i]);
                dataset.Add(clipMaps[i], masks[i].Labels);
                offset += patches;
            }
            maps.Add(clipMaps);
        }
        var match = dataset.Match();
        var results = new ClipEvalResult[clips.Count];
        for (int c = 0; c < clips.Count; c++)
        {
            var masks = clips[c].Masks;
            double[] frames = Enumerable.Range(0, masks.Count).Select(i => MeanIoUUnder(maps[c][i], masks[i].Labels, match.ClusterToLabel, labels)).ToArray();
            var clipConf = new SegmentationConfusion(options.Clusters, labels);
            for (int i = 0; i < masks.Count; i++) clipConf.Add(maps[c][i], masks[i].Labels);
            double clipScore = MeanIoUUnder(Flatten(clipConf), match.ClusterToLabel, labels);
            results[c] = new ClipEvalResult(frames, clipScore, maps[c], Enumerable.Repeat(match.ClusterToLabel, masks.Count).ToArray());
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

    private static long[] Cluster(Tensor features, ClipEvalOptions o)
    {
        using var scope = NewDisposeScope();
        Tensor reduced = Pca.FitTransform(features, o.PcaDimensions);
        using var km = KMeans.Fit(reduced, new KMeansOptions(o.Clusters, o.Restarts, o.MaxIterations, Seed: o.Seed));
        return km.Labels.data<long>().ToArray();
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
