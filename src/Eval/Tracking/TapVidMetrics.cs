using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Eval.Tracking;

/// <summary>
/// TAP-Vid metrics of one sequence ("query first" mode): only annotated cells after each point's query frame
/// count. Distances are measured after scaling both frames to 256×256, as TAP-Vid does.
/// </summary>
/// <param name="PositionAccuracy">δ_avg: for each threshold, the share of visible ground-truth points predicted within it; averaged.</param>
/// <param name="OcclusionAccuracy">Share of scored cells whose predicted visibility matches the ground truth.</param>
/// <param name="AverageJaccard">AJ: per threshold, true positives / (ground-truth visible + false positives); averaged.</param>
/// <param name="WithinThreshold">δ per threshold, in the order of <see cref="Thresholds"/>.</param>
/// <param name="JaccardAtThreshold">Jaccard per threshold.</param>
/// <param name="ScoredCells">Annotated cells after the query frame.</param>
/// <param name="VisibleCells">Of those, cells where the ground truth is visible.</param>
/// <param name="HiddenRecall">Of the cells where the ground truth is hidden, the share predicted hidden (NaN if none).</param>
public sealed record TapVidMetrics(
    double PositionAccuracy, double OcclusionAccuracy, double AverageJaccard,
    IReadOnlyList<double> WithinThreshold, IReadOnlyList<double> JaccardAtThreshold,
    int ScoredCells, int VisibleCells, double HiddenRecall)
{
    /// <summary>TAP-Vid's thresholds in pixels at 256×256.</summary>
    public static readonly double[] Thresholds = [1, 2, 4, 8, 16];

    /// <summary>TAP-Vid's evaluation resolution.</summary>
    public const int Resolution = 256;

    /// <summary>Scores clip 0 of <paramref name="predicted"/>, tracked with <paramref name="truth"/>'s queries.</summary>
    public static TapVidMetrics Compute(TrackingGroundTruth truth, TrackResult predicted)
    {
        if (predicted.Points != truth.Count || predicted.Frames != truth.Frames)
            throw new ArgumentException($"prediction has {predicted.Points} points × {predicted.Frames} frames, the ground truth {truth.Count} × {truth.Frames}", nameof(predicted));

        double sx = (double)Resolution / truth.Width, sy = (double)Resolution / truth.Height;
        int k = Thresholds.Length;
        var correct = new int[k];
        var truePositive = new int[k];
        var falsePositive = new int[k];
        int scored = 0, visible = 0, occlusionRight = 0, hidden = 0, hiddenFound = 0;

        for (int p = 0; p < truth.Count; p++)
        {
            for (int t = truth.Queries[p].Frame + 1; t < truth.Frames; t++)
            {
                int cell = p * truth.Frames + t;
                if (!truth.Annotated[cell]) continue;

                scored++;
                bool gtVisible = !truth.Occluded[cell];
                bool predVisible = predicted.IsVisible(0, t, p);
                if (gtVisible == predVisible) occlusionRight++;
                if (!gtVisible)
                {
                    hidden++;
                    if (!predVisible) hiddenFound++;
                }

                double dx = gtVisible ? (predicted.X(0, t, p) - truth.Points[2 * cell]) * sx : double.PositiveInfinity;
                double dy = gtVisible ? (predicted.Y(0, t, p) - truth.Points[2 * cell + 1]) * sy : 0;
                double squared = dx * dx + dy * dy;
                if (gtVisible) visible++;
                for (int i = 0; i < k; i++)
                {
                    bool within = squared < Thresholds[i] * Thresholds[i];
                    if (gtVisible && within)
                    {
                        correct[i]++;
                        if (predVisible) truePositive[i]++;
                    }

                    // A visible prediction is a false positive where the point is hidden or the position is off.
                    if (predVisible && (!gtVisible || !within)) falsePositive[i]++;
                }
            }
        }

        double[] share = correct.Select(c => Ratio(c, visible)).ToArray();
        double[] jaccard = Enumerable.Range(0, k).Select(i => Ratio(truePositive[i], visible + falsePositive[i])).ToArray();
        return new TapVidMetrics(share.Average(), Ratio(occlusionRight, scored), jaccard.Average(), share, jaccard,
            scored, visible, hidden == 0 ? double.NaN : (double)hiddenFound / hidden);
    }

    /// <summary>TAP-Vid's dataset score: the mean of per-sequence metrics.</summary>
    public static TapVidMetrics Mean(IReadOnlyList<TapVidMetrics> sequences)
    {
        if (sequences.Count == 0) throw new ArgumentException("no sequences to average", nameof(sequences));
        double[] hiddenRecalls = sequences.Select(s => s.HiddenRecall).Where(double.IsFinite).ToArray();
        return new TapVidMetrics(
            sequences.Average(s => s.PositionAccuracy),
            sequences.Average(s => s.OcclusionAccuracy),
            sequences.Average(s => s.AverageJaccard),
            Enumerable.Range(0, Thresholds.Length).Select(i => sequences.Average(s => s.WithinThreshold[i])).ToArray(),
            Enumerable.Range(0, Thresholds.Length).Select(i => sequences.Average(s => s.JaccardAtThreshold[i])).ToArray(),
            sequences.Sum(s => s.ScoredCells),
            sequences.Sum(s => s.VisibleCells),
            hiddenRecalls.Length == 0 ? double.NaN : hiddenRecalls.Average());
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? double.NaN : (double)numerator / denominator;
}
