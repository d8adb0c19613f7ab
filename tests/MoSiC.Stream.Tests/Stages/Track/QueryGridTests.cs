using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Tests.Stages.Track;

public sealed class QueryGridTests
{
    [Fact]
    public void A_3x3_grid_over_the_frame_has_margin_W_over_64_and_y_as_the_outer_index()
    {
        // 64×48 frame: margin 64/64 = 1; x = linspace(1, 63, 3), y = linspace(1, 47, 3).
        TrackQuery[] grid = QueryGrid.Points(3, 64, 48);
        (float X, float Y)[] expected =
        [
            (1, 1), (32, 1), (63, 1),
            (1, 24), (32, 24), (63, 24),
            (1, 47), (32, 47), (63, 47),
        ];
        Assert.Equal(expected, grid.Select(q => (q.X, q.Y)));
        Assert.All(grid, q => Assert.Equal(0, q.Frame));
    }

    [Fact]
    public void The_margin_comes_from_the_width_for_both_axes()
    {
        // 128×40: margin 2 on both axes, so y = linspace(2, 38, 2) even though 40/64 would be 0.625.
        TrackQuery[] grid = QueryGrid.Points(2, 128, 40);
        Assert.Equal([(2f, 2f), (126f, 2f), (2f, 38f), (126f, 38f)], grid.Select(q => (q.X, q.Y)));
    }

    [Fact]
    public void A_1x1_grid_is_the_centre_and_the_query_frame_is_kept()
    {
        TrackQuery only = Assert.Single(QueryGrid.Points(1, 100, 50, frame: 4));
        Assert.Equal(new TrackQuery(4, 50, 25), only);
    }

    [Fact]
    public void The_CoTracker_predictor_grid_at_224_matches_the_reference_arithmetic()
    {
        // Laid out on the model's 512×384 (margin 8), mapped back by (W−1)/511 and (H−1)/383; the reference notes give
        // x ∈ {3.49, …, 219.95} and y ∈ {4.66, …, 218.92} for MoSiC's 16×16 grid at 224×224.
        TrackQuery[] grid = QueryGrid.Points(16, 224, 224, QueryGrid.CoTrackerWidth, QueryGrid.CoTrackerHeight);
        Assert.Equal(256, grid.Length);
        Assert.Equal(8 * 223 / 511.0, grid[0].X, 4);
        Assert.Equal(8 * 223 / 383.0, grid[0].Y, 4);
        Assert.Equal(504 * 223 / 511.0, grid[15].X, 4);
        Assert.Equal(376 * 223 / 383.0, grid[255].Y, 4);
        Assert.Equal(3.49, grid[0].X, 2);
        Assert.Equal(219.95, grid[15].X, 2);
        Assert.Equal(4.66, grid[0].Y, 2);
        Assert.Equal(218.92, grid[255].Y, 2);

        // Rounded and divided by the 14-pixel patch, the queries hit each of the 16×16 patch tokens exactly once.
        var patches = grid.Select(q => ((int)Math.Round(q.Y) / 14, (int)Math.Round(q.X) / 14)).ToHashSet();
        Assert.Equal(256, patches.Count);
    }

    [Fact]
    public void Explicit_queries_outside_the_clip_are_rejected_by_index()
    {
        QuerySpec spec = QuerySpec.Explicit([new TrackQuery(0, 5, 5), new TrackQuery(9, 5, 5)]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => spec.Resolve(32, 32, 8));
        Assert.Contains("query 1: frame 9 is outside the clip's 8 frames", e.Message);

        var offFrame = QuerySpec.Explicit([new TrackQuery(0, 40, 5)]);
        Assert.Contains("query 0: (40, 5) is outside the 32×32 frame", Assert.Throws<ArgumentOutOfRangeException>(() => offFrame.Resolve(32, 32, 8)).Message);
    }

    [Fact]
    public void A_batch_names_the_clip_whose_shape_is_wrong()
    {
        var good = new TrackClip("a", [new byte[12], new byte[12]]);
        var shortClip = new TrackClip("b", [new byte[12]]);
        var e = Assert.Throws<ArgumentException>(() => new ClipBatch(2, 2, [good, shortClip]));
        Assert.Contains("clip b has 1 frames, the batch has 2", e.Message);

        var badFrame = new TrackClip("c", [new byte[12], new byte[11]]);
        Assert.Contains("clip c frame 1 has 11 bytes", Assert.Throws<ArgumentException>(() => new ClipBatch(2, 2, [badFrame])).Message);
    }
}
