namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>
/// Pixel counts of (predicted cluster, ground-truth label) pairs, accumulated over any number of frames; the unit
/// that is matched once. Per-frame evaluation uses one per frame, per-clip one per clip, per-dataset one for all.
/// </summary>
/// <remarks>
/// Clusters are 0..<see cref="Clusters"/>-1. Ground-truth labels are 0..<see cref="Labels"/>-1 (0 is background and
/// counts like any other label); <see cref="IgnoreLabel"/> (255, the DAVIS/VOC "void" value) is skipped.
/// </remarks>
public sealed class SegmentationConfusion
{
    /// <summary>The ground-truth value that is not scored.</summary>
    public const int IgnoreLabel = 255;

    private readonly long[,] _counts;

    public SegmentationConfusion(int clusters, int labels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(labels, 1);
        if (labels > IgnoreLabel)
            throw new ArgumentOutOfRangeException(nameof(labels), $"labels must be < {IgnoreLabel}.");
        Clusters = clusters;
        Labels = labels;
        _counts = new long[clusters, labels];
    }

    public int Clusters { get; }
    public int Labels { get; }

    /// <summary>Pixels assigned to cluster <paramref name="cluster"/> whose ground truth is <paramref name="label"/>.</summary>
    public long Count(int cluster, int label) => _counts[cluster, label];

    /// <summary>Adds one frame (or any equal-length pair of maps): same pixel order in both.</summary>
    public void Add(ReadOnlySpan<int> clusters, ReadOnlySpan<int> labels)
    {
        if (clusters.Length != labels.Length)
            throw new ArgumentException($"{clusters.Length} predicted pixels against {labels.Length} ground-truth pixels.");
        for (int i = 0; i < clusters.Length; i++)
        {
            int l = labels[i];
            if (l == IgnoreLabel) continue;
            int c = clusters[i];
            if ((uint)c >= (uint)Clusters)
                throw new ArgumentOutOfRangeException(nameof(clusters), $"cluster {c} at pixel {i}; expected 0..{Clusters - 1}.");
            if ((uint)l >= (uint)Labels)
                throw new ArgumentOutOfRangeException(nameof(labels), $"label {l} at pixel {i}; expected 0..{Labels - 1} or {IgnoreLabel}.");
            _counts[c, l]++;
        }
    }

    /// <summary>Adds another confusion's counts (same shape) to this one.</summary>
    public void Add(SegmentationConfusion other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Clusters != Clusters || other.Labels != Labels)
            throw new ArgumentException($"shape {other.Clusters}x{other.Labels} against {Clusters}x{Labels}.");
        for (int c = 0; c < Clusters; c++)
            for (int l = 0; l < Labels; l++)
                _counts[c, l] += other._counts[c, l];
    }

    /// <summary>IoU of cluster <paramref name="cluster"/> taken as label <paramref name="label"/>: TP / (TP + FP + FN).</summary>
    public double IoU(int cluster, int label)
    {
        long tp = _counts[cluster, label], predicted = 0, actual = 0;
        for (int l = 0; l < Labels; l++) predicted += _counts[cluster, l];
        for (int c = 0; c < Clusters; c++) actual += _counts[c, label];
        long union = predicted + actual - tp;
        return union == 0 ? 0.0 : (double)tp / union;
    }

    /// <summary>
    /// One-to-one Hungarian matching of clusters to ground-truth labels maximising the summed IoU; clusters left
    /// unmatched (more clusters than labels) are merged into background (label 0), as TimeT's <c>PredsmIoU</c> does;
    /// then the mean IoU of the remapped prediction over the labels present in the ground truth (background included).
    /// A present label left without a cluster (more labels than clusters) scores 0.
    /// </summary>
    public MatchedSegmentation Match()
    {
        var present = new bool[Labels];
        for (int l = 0; l < Labels; l++)
            for (int c = 0; c < Clusters && !present[l]; c++)
                present[l] |= _counts[c, l] > 0;
        // Absent labels must not take a cluster a present label could use: their column is all zeros so they never
        // beat a positive IoU, but to be exact we match against present labels only.
        int[] presentIds = Enumerable.Range(0, Labels).Where(l => present[l]).ToArray();
        var score = new double[Clusters, presentIds.Length];
        for (int c = 0; c < Clusters; c++)
            for (int k = 0; k < presentIds.Length; k++)
                score[c, k] = IoU(c, presentIds[k]);
        int[] clusterToPresent = HungarianAssignment.Maximise(score);

        var clusterToLabel = new int[Clusters];
        for (int c = 0; c < Clusters; c++)
            clusterToLabel[c] = clusterToPresent[c] < 0 ? 0 : presentIds[clusterToPresent[c]];
        double?[] perLabel = ScoreUnder(clusterToLabel);
        double mean = presentIds.Length == 0 ? double.NaN : presentIds.Average(l => perLabel[l]!.Value);
        return new MatchedSegmentation(clusterToLabel, perLabel, mean);
    }

    /// <summary>IoU of each label when cluster c predicts <paramref name="clusterToLabel"/>[c] (several clusters may predict one label); null for labels absent from the ground truth.</summary>
    public double?[] ScoreUnder(int[] clusterToLabel)
    {
        ArgumentNullException.ThrowIfNull(clusterToLabel);
        if (clusterToLabel.Length != Clusters) throw new ArgumentException($"{clusterToLabel.Length} entries for {Clusters} clusters.", nameof(clusterToLabel));
        var tp = new long[Labels];
        var predicted = new long[Labels];
        var actual = new long[Labels];
        for (int c = 0; c < Clusters; c++)
            for (int l = 0; l < Labels; l++)
            {
                long n = _counts[c, l];
                actual[l] += n;
                int p = clusterToLabel[c];
                if (p < 0 || p >= Labels) continue;
                predicted[p] += n;
                if (p == l) tp[l] += n;
            }
        var result = new double?[Labels];
        for (int l = 0; l < Labels; l++)
            if (actual[l] > 0) result[l] = (double)tp[l] / (predicted[l] + actual[l] - tp[l]);
        return result;
    }
}

/// <summary>The outcome of <see cref="SegmentationConfusion.Match"/>.</summary>
/// <param name="ClusterToLabel">For each cluster, the label it predicts: its match, or 0 (background) when unmatched.</param>
/// <param name="PerLabelIoU">IoU of each label under the matching; null for a label absent from the ground truth.</param>
/// <param name="MeanIoU">Mean over present labels; NaN when the ground truth had no scored pixel.</param>
public sealed record MatchedSegmentation(int[] ClusterToLabel, double?[] PerLabelIoU, double MeanIoU);
