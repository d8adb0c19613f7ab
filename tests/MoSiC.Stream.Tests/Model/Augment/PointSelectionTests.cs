using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Augment;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Augment;

/// <summary>
/// Which tracked points a crop keeps (issue #15, item 1): all of them up to one per patch, never the first ones of a
/// list, spread over the whole crop.
/// </summary>
public class PointSelectionTests
{
    private const int Size = 224;

    public PointSelectionTests() => TorchRuntime.EnsureLoaded();

    // CoTracker's grid layout over a 224×224 decode frame: margin 224/64, G points per axis, row-major.
    private static Tensor Grid(int g)
    {
        var xy = new float[g * g * 2];
        double m = Size / 64.0, step = (Size - 2 * m) / (g - 1);
        for (int i = 0; i < g * g; i++) { xy[2 * i] = (float)(m + (i % g) * step); xy[2 * i + 1] = (float)(m + (i / g) * step); }
        return tensor(xy, new long[] { 1, g * g, 2 });
    }

    [Theory]
    [InlineData(32)] // dense: more points than patches in most crops, so one per patch is selected
    [InlineData(16)] // sparse: every point inside the crop is kept
    public void Kept_points_centre_on_the_crop_over_a_thousand_augmentations(int grid)
    {
        var options = new ClipAugmentOptions();
        using var tracks = Grid(grid);
        using var visible = ones(new long[] { 1, grid * grid }, ScalarType.Bool);
        double sumX = 0, sumY = 0;
        long count = 0;
        for (int seed = 0; seed < 1000; seed++)
        {
            using var scope = NewDisposeScope();
            var p = ClipAugmentParams.Sample(Size, Size, options, new Random(seed));
            using var kept = ClipAugmentation.ApplyToTracks(tracks, visible, p, options);
            float[] xy = kept.Tracks.data<float>().ToArray();
            Assert.True(xy.Length > 0, $"seed {seed}: nothing kept");
            for (int i = 0; i < xy.Length / 2; i++) { sumX += xy[2 * i]; sumY += xy[2 * i + 1]; }
            count += xy.Length / 2;
            Assert.True(xy.Length / 2 <= options.MaxPoints);
        }
        // The crop's centre in output pixels is (S − 1) / 2; 3 % of the side is 6.7 px.
        double centre = (Size - 1) / 2.0, tolerance = 0.03 * Size;
        Assert.True(Math.Abs(sumX / count - centre) <= tolerance, $"mean x {sumX / count:F2} vs centre {centre}");
        Assert.True(Math.Abs(sumY / count - centre) <= tolerance, $"mean y {sumY / count:F2} vs centre {centre}");
    }

    [Fact]
    public void Every_point_inside_is_kept_while_they_fit_and_at_most_one_per_patch_beyond()
    {
        var options = new ClipAugmentOptions();
        using var tracks = Grid(32);
        using var visible = ones(new long[] { 1, 1024 }, ScalarType.Bool);
        // Whole frame: 1024 points for 256 patches → exactly one per patch, each the one nearest its centre.
        using (var whole = ClipAugmentation.ApplyToTracks(tracks, visible, ClipAugmentParams.Whole(Size, Size, Size), options))
        {
            float[] xy = whole.Tracks.data<float>().ToArray();
            var patches = Enumerable.Range(0, xy.Length / 2).Select(i => ((int)Math.Round(xy[2 * i + 1]) / 14, (int)Math.Round(xy[2 * i]) / 14)).ToArray();
            Assert.Equal(256, patches.Distinct().Count());
            Assert.Equal(256, patches.Length);
        }
        // A crop holding fewer points than patches keeps every one of them.
        var small = new ClipAugmentParams(false, 50, 60, 100, 100, Size, Size, Size);
        using var kept = ClipAugmentation.ApplyToTracks(tracks, visible, small, options);
        float[] all = tracks.data<float>().ToArray();
        int inside = Enumerable.Range(0, 1024).Count(i => small.Inside(small.Map(all[2 * i], all[2 * i + 1]).X, small.Map(all[2 * i], all[2 * i + 1]).Y));
        Assert.InRange(inside, 1, 255);
        Assert.Equal(inside, (int)kept.Tracks.shape[1]);
    }

    [Fact]
    public void A_cap_below_the_grid_picks_cells_across_the_crop_not_the_first_rows()
    {
        // 16×16 cells, 64 points at most: the kept cells must reach the bottom half as often as the top.
        var mapped = new float[256 * 2];
        for (int c = 0; c < 256; c++) { mapped[2 * c] = (c % 16 + 0.5f) * 14 - 0.5f; mapped[2 * c + 1] = (c / 16 + 0.5f) * 14 - 0.5f; }
        var inside = Enumerable.Repeat(true, 256).ToArray();
        int[] kept = ClipAugmentation.SelectEvenly(mapped, inside, 256, Size, 16, 64);
        Assert.Equal(64, kept.Length);
        int bottom = kept.Count(i => i / 16 >= 8);
        Assert.InRange(bottom, 20, 44);
    }

    [Fact]
    public void The_grid_rule_asks_for_one_point_per_patch_in_the_smallest_crop()
    {
        var options = new ClipAugmentOptions();
        // 16 patches / √(0.4 · 3/4) = 29.2 → 30; the shipped pipelines track 32.
        Assert.Equal(30, options.MinimumTrackGrid());
        Assert.Equal(16, (options with { CropScaleMin = 1, CropRatioMin = 1, CropRatioMax = 1 }).MinimumTrackGrid());
        // The smallest, most elongated crop of a 30-grid still spans ≥ 16 grid steps along its short side.
        double shortSide = Math.Sqrt(0.4 * 0.75) * Size, step = (Size - 2 * Size / 64.0) / 29;
        Assert.True(shortSide / step >= 15.5);
    }
}
