using MoSiC.Stream.Eval.Segmentation;

namespace MoSiC.Stream.Tests.Eval.Segmentation;

public class HungarianAssignmentTests
{
    [Fact]
    public void SolvesAKnownSquareCase()
    {
        // Classic example: optimum 0->1, 1->0, 2->2, cost 1 + 2 + 2 = 5.
        var cost = new double[,] { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } };
        Assert.Equal(new[] { 1, 0, 2 }, HungarianAssignment.Minimise(cost));
    }

    [Fact]
    public void MoreRowsThanColumnsLeavesTheWorstRowsUnassigned()
    {
        var score = new double[,] { { 0.1, 0.0 }, { 0.9, 0.2 }, { 0.0, 0.8 } };
        Assert.Equal(new[] { -1, 0, 1 }, HungarianAssignment.Maximise(score));
    }

    [Fact]
    public void MoreColumnsThanRows()
    {
        var score = new double[,] { { 0.1, 0.7, 0.2 }, { 0.6, 0.9, 0.0 } };
        Assert.Equal(new[] { 1, 0 }, HungarianAssignment.Maximise(score)); // 0.7 + 0.6 beats 0.1 + 0.9
    }

    [Theory]
    [InlineData(1, 3, 3)]
    [InlineData(2, 4, 4)]
    [InlineData(3, 5, 3)]
    [InlineData(4, 3, 6)]
    [InlineData(5, 6, 6)]
    public void MatchesBruteForceOnRandomMatrices(int seed, int rows, int cols)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 50; trial++)
        {
            var cost = new double[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    cost[i, j] = rng.Next(0, 10) + (trial % 2 == 0 ? rng.NextDouble() : 0);
            int[] a = HungarianAssignment.Minimise(cost);
            Assert.Equal(Math.Min(rows, cols), a.Count(x => x >= 0));
            Assert.Equal(a.Where(x => x >= 0).Count(), a.Where(x => x >= 0).Distinct().Count());
            double got = Enumerable.Range(0, rows).Where(i => a[i] >= 0).Sum(i => cost[i, a[i]]);
            Assert.Equal(BruteForce(cost), got, 9);
        }
    }

    private static double BruteForce(double[,] cost)
    {
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        double best = double.PositiveInfinity;
        var usedCols = new bool[cols];
        var usedRows = new bool[rows];
        int pairs = Math.Min(rows, cols);
        void Go(int depth, double sum)
        {
            if (depth == pairs) { best = Math.Min(best, sum); return; }
            // Pair the next slot on the smaller side with any free element of the larger side.
            if (rows <= cols)
            {
                for (int j = 0; j < cols; j++)
                    if (!usedCols[j]) { usedCols[j] = true; Go(depth + 1, sum + cost[depth, j]); usedCols[j] = false; }
            }
            else
            {
                for (int i = 0; i < rows; i++)
                    if (!usedRows[i]) { usedRows[i] = true; Go(depth + 1, sum + cost[i, depth]); usedRows[i] = false; }
            }
        }
        Go(0, 0);
        return best;
    }
}

public class SegmentationConfusionTests
{
    private static SegmentationConfusion Of(int clusters, int labels, int[] pred, int[] gt)
    {
        var c = new SegmentationConfusion(clusters, labels);
        c.Add(pred, gt);
        return c;
    }

    [Fact]
    public void PerfectPredictionScoresOne()
    {
        int[] gt = { 0, 0, 1, 1, 2, 2, 2, 0 };
        var m = Of(3, 3, gt, gt).Match();
        Assert.Equal(1.0, m.MeanIoU, 12);
        Assert.Equal(new[] { 0, 1, 2 }, m.ClusterToLabel);
    }

    [Fact]
    public void PermutedIdsScoreOne()
    {
        int[] gt = { 0, 0, 1, 1, 2, 2, 2, 0 };
        int[] perm = { 2, 0, 1 }; // label l is predicted as cluster perm[l]
        int[] pred = gt.Select(l => perm[l]).ToArray();
        var m = Of(3, 3, pred, gt).Match();
        Assert.Equal(1.0, m.MeanIoU, 12);
        Assert.Equal(new[] { 1, 2, 0 }, m.ClusterToLabel);
    }

    [Fact]
    public void KnownPartialOverlapMatchesHandComputedIoU()
    {
        // 4x4 frame: GT left half background (0), right half object (1).
        // Prediction: cluster 1 covers the right half plus one column of the left half (12 px), cluster 0 the rest (4 px).
        int[] gt = new int[16], pred = new int[16];
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                gt[y * 4 + x] = x >= 2 ? 1 : 0;
                pred[y * 4 + x] = x >= 1 ? 1 : 0;
            }
        var m = Of(2, 2, pred, gt).Match();
        // Object: TP 8, predicted 12, actual 8 -> 8 / 12. Background: TP 4, predicted 4, actual 8 -> 4 / 8.
        Assert.Equal(8.0 / 12, m.PerLabelIoU[1]!.Value, 12);
        Assert.Equal(4.0 / 8, m.PerLabelIoU[0]!.Value, 12);
        Assert.Equal((8.0 / 12 + 0.5) / 2, m.MeanIoU, 12);
    }

    [Fact]
    public void HungarianBeatsGreedyOnAConstructedCase()
    {
        // 6 pixels. Greedy by best IoU takes cluster 0 -> label 0 (0.5) and leaves cluster 1 -> label 1 (0), sum 0.5;
        // the optimum crosses them: cluster 0 -> label 1 (0.4), cluster 1 -> label 0 (0.25), sum 0.65.
        int[] gt = { 0, 0, 0, 1, 1, 0 };
        int[] pred = { 0, 0, 0, 0, 0, 1 };
        var conf = Of(2, 2, pred, gt);
        // IoU(c0,l0) = 3 / (5 + 4 - 3) = 0.5; IoU(c0,l1) = 2 / (5 + 2 - 2) = 0.4;
        // IoU(c1,l0) = 1 / (1 + 4 - 1) = 0.25; IoU(c1,l1) = 0.
        Assert.Equal(0.5, conf.IoU(0, 0), 12);
        Assert.Equal(0.4, conf.IoU(0, 1), 12);
        Assert.Equal(0.25, conf.IoU(1, 0), 12);
        Assert.Equal(0.0, conf.IoU(1, 1), 12);
        var m = conf.Match(); // 0.5 + 0 = 0.5 against 0.4 + 0.25 = 0.65: crossed wins
        Assert.Equal(new[] { 1, 0 }, m.ClusterToLabel);
        Assert.Equal((0.4 + 0.25) / 2, m.MeanIoU, 12);
    }

    [Fact]
    public void AbsentLabelsAreNotAveragedAndIgnoredPixelsNotCounted()
    {
        int[] gt = { 0, 0, 2, 2, 255, 255 };
        int[] pred = { 1, 1, 0, 0, 0, 1 };
        var m = Of(3, 4, pred, gt).Match();
        Assert.Null(m.PerLabelIoU[1]);
        Assert.Null(m.PerLabelIoU[3]);
        Assert.Equal(1.0, m.MeanIoU, 12);
        Assert.Equal(0, m.ClusterToLabel[2]); // unmatched: merged into background
    }

    [Fact]
    public void UnmatchedClustersAreMergedIntoBackgroundAsTimeTDoes()
    {
        // Cluster 0 takes background (IoU 3/4 beats cluster 2's 1/4), cluster 1 takes label 1, cluster 2 is left over.
        // Merged into background (TimeT's PredsmIoU): background IoU 4/4, label 1 IoU 1 → 1.0. Left out it would be (3/4 + 1) / 2.
        int[] gt = { 0, 0, 0, 0, 1, 1 };
        int[] pred = { 0, 0, 0, 2, 1, 1 };
        var m = Of(3, 2, pred, gt).Match();
        Assert.Equal(new[] { 0, 1, 0 }, m.ClusterToLabel);
        Assert.Equal(1.0, m.PerLabelIoU[0]!.Value, 12);
        Assert.Equal(1.0, m.MeanIoU, 12);
        // ScoreUnder with the unmatched cluster predicting nothing gives the other reading.
        Assert.Equal(0.75, Of(3, 2, pred, gt).ScoreUnder([0, 1, -1])[0]!.Value, 12);
    }

    [Fact]
    public void FewerClustersThanLabelsScoresTheUnmatchedLabelZero()
    {
        int[] gt = { 0, 0, 1, 1, 2, 2 };
        int[] pred = { 0, 0, 1, 1, 1, 1 };
        var m = Of(2, 3, pred, gt).Match();
        // cluster 0 -> label 0 (IoU 1); cluster 1 -> label 1 or 2 (IoU 2/4); the other label 0.
        Assert.Equal((1.0 + 0.5 + 0.0) / 3, m.MeanIoU, 12);
    }

    [Fact]
    public void AccumulatingFramesEqualsOneBigFrame()
    {
        int[] gtA = { 0, 1, 1, 0 }, prA = { 1, 0, 0, 0 };
        int[] gtB = { 1, 1, 0, 0 }, prB = { 0, 0, 1, 1 };
        var sum = Of(2, 2, prA, gtA);
        sum.Add(Of(2, 2, prB, gtB));
        var whole = Of(2, 2, prA.Concat(prB).ToArray(), gtA.Concat(gtB).ToArray());
        Assert.Equal(whole.Match().MeanIoU, sum.Match().MeanIoU, 12);
        Assert.Equal(whole.Count(0, 1), sum.Count(0, 1));
    }

    [Fact]
    public void RejectsOutOfRangeIds()
    {
        var c = new SegmentationConfusion(2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Add(new[] { 2 }, new[] { 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Add(new[] { 0 }, new[] { 3 }));
        Assert.Throws<ArgumentException>(() => c.Add(new[] { 0, 1 }, new[] { 0 }));
    }
}

public class BackgroundFloorTests
{
    [Fact]
    public void BackgroundEverywhereScoresBackgroundIoUOverThePresentLabels()
    {
        // 7 counted pixels (one void), 5 of them background; labels 0, 1, 2 present: (5/7) / 3.
        var masks = new[] { new LabelMap(2, 2, [0, 0, 1, 255]), new LabelMap(2, 2, [0, 0, 0, 2]) };
        double floor = ClipSegmentationEval.BackgroundOnlyMeanIoU(masks);
        Assert.Equal(5.0 / 7 / 3, floor, 12);
        // Same number through the confusion: one cluster everywhere, matched to background (its best IoU).
        var c = new SegmentationConfusion(1, 3);
        foreach (var m in masks) c.Add(new int[m.Labels.Length], m.Labels);
        Assert.Equal(c.Match().MeanIoU, floor, 12);
        Assert.True(double.IsNaN(ClipSegmentationEval.BackgroundOnlyMeanIoU([new LabelMap(1, 1, [255])])));
    }
}
