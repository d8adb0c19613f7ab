using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Eval.Tracking;
using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Tests.Eval.Tracking;

public sealed class TapVidMetricsTests
{
    // One point on a 256×256 frame (so pixels are TAP-Vid pixels), 4 frames, queried on frame 0 at (100, 100).
    private static TrackingGroundTruth Truth(bool hiddenOnLast) => new()
    {
        Name = "hand",
        Kind = "test",
        Source = VideoSource.FromFile("hand.mp4"),
        Width = 256,
        Height = 256,
        Frames = 4,
        Points = [100, 100, 110, 100, 120, 100, 130, 100],
        Occluded = [false, false, false, hiddenOnLast],
        Annotated = [true, true, true, true],
        Queries = [new TrackQuery(0, 100, 100)],
    };

    private static TrackResult Prediction(float[] xs, bool[] visible) =>
        new(1, 4, [new TrackQuery(0, 100, 100)], xs.SelectMany(x => new[] { x, 100f }).ToArray(), visible);

    [Fact]
    public void Hand_computed_sequence_gives_the_expected_delta_occlusion_and_jaccard()
    {
        // Frames 1..3 are scored (query first). Errors: 0.5 px (frame 1), 3 px (frame 2); frame 3 is hidden in the truth
        // but predicted visible. δ per threshold over the 2 visible cells: <1: 1/2, <2: 1/2, <4: 2/2, <8: 2/2, <16: 2/2.
        TapVidMetrics m = TapVidMetrics.Compute(Truth(hiddenOnLast: true), Prediction([100, 110.5f, 123, 130], [true, true, true, true]));
        Assert.Equal(3, m.ScoredCells);
        Assert.Equal(2, m.VisibleCells);
        Assert.Equal([0.5, 0.5, 1, 1, 1], m.WithinThreshold);
        Assert.Equal(0.8, m.PositionAccuracy, 12);
        Assert.Equal(2 / 3.0, m.OcclusionAccuracy, 12);
        Assert.Equal(0.0, m.HiddenRecall);
        // Jaccard: TP / (visible + FP). <1, <2: TP 1, FP 2 (the 3 px cell and the hidden cell) → 1/4; ≥4: TP 2, FP 1 → 2/3.
        Close([0.25, 0.25, 2 / 3.0, 2 / 3.0, 2 / 3.0], m.JaccardAtThreshold);
    }

    [Fact]
    public void Predicting_the_hidden_cell_hidden_fixes_occlusion_and_jaccard_but_not_delta()
    {
        TapVidMetrics m = TapVidMetrics.Compute(Truth(hiddenOnLast: true), Prediction([100, 110.5f, 123, 0], [true, true, true, false]));
        Assert.Equal(0.8, m.PositionAccuracy, 12);
        Assert.Equal(1.0, m.OcclusionAccuracy, 12);
        Assert.Equal(1.0, m.HiddenRecall);
        // <1, <2: TP 1, FP 1 (the 3 px cell) → 1/3; ≥4: TP 2, FP 0 → 1.
        Close([1 / 3.0, 1 / 3.0, 1, 1, 1], m.JaccardAtThreshold);
    }

    [Fact]
    public void Distances_are_measured_at_256x256()
    {
        // A 512×128 frame: 2 px in x is 1 TAP-Vid pixel, so a 2.4 px miss is 1.2: outside 1, inside 2.
        var truth = Truth(hiddenOnLast: false) with { Width = 512, Height = 128 };
        TapVidMetrics m = TapVidMetrics.Compute(truth, Prediction([100, 112.4f, 120, 130], [true, true, true, true]));
        Close([2 / 3.0, 1, 1, 1, 1], m.WithinThreshold);
    }

    private static void Close(double[] expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }
}
