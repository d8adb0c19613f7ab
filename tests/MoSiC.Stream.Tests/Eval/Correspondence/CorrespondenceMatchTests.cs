using MoSiC.Stream.Eval.Correspondence;
using MoSiC.Stream.Model;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Eval.Correspondence;

/// <summary>The temporal-correspondence metric on constructed features where the answer is known (issue #15, item 4).</summary>
public class CorrespondenceMatchTests
{
    private const int Grid = 16, Dim = 32;

    public CorrespondenceMatchTests() => TorchRuntime.EnsureLoaded();

    // Every patch moves 3 columns right and 1 row down; points are the patches that stay in the grid.
    private static TrackedPatch[] Moving(Func<int, int>? objectOf = null) =>
        [.. from r in Enumerable.Range(0, Grid - 1) from c in Enumerable.Range(0, Grid - 3)
            let s = r * Grid + c select new TrackedPatch(s, (r + 1) * Grid + c + 3, objectOf?.Invoke(s) ?? -1)];

    [Fact]
    public void Features_identical_along_the_tracks_are_found_every_time()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        Tensor source = randn(new long[] { Grid * Grid, Dim }, generator: g);
        Tensor target = randn(new long[] { Grid * Grid, Dim }, generator: g);
        TrackedPatch[] points = Moving(s => s % 2);
        foreach (var p in points) target[p.Target] = source[p.Source].mul(2); // cosine ignores the scale
        int[] objects = [.. Enumerable.Range(0, Grid * Grid).Select(t => points.FirstOrDefault(p => p.Target == t, new TrackedPatch(0, 0, 7)).Object)];
        MatchCounts m = CorrespondenceMatch.NearestNeighbour(source, target, Grid, Grid, points, objects);
        Assert.Equal(points.Length, m.Points);
        Assert.Equal(points.Length, m.Hits);
        Assert.Equal(points.Length, m.SameObject);
        Assert.Equal(points.Length, m.WithObject);
        var (same, total) = CorrespondenceMatch.LabelConsistency([.. Enumerable.Range(0, 256).Select(i => (long)i)],
            [.. Enumerable.Range(0, 256).Select(t => (long)points.FirstOrDefault(p => p.Target == t).Source)], points);
        Assert.Equal((points.Length, points.Length), (same, total));
    }

    [Fact]
    public void Shuffled_features_hit_at_the_chance_rate()
    {
        // The target frame's patches are the source's in a random order: the nearest neighbour of a point's feature is
        // the patch its feature was moved to, unrelated to the track, so hits fall to the 3×3-window share of the grid.
        using var scope = NewDisposeScope();
        var g = new Generator(5);
        int hits = 0, points = 0;
        double chance = 0;
        for (int trial = 0; trial < 30; trial++)
        {
            Tensor source = randn(new long[] { Grid * Grid, Dim }, generator: g);
            Tensor target = source.index_select(0, randperm(Grid * Grid, generator: g));
            MatchCounts m = CorrespondenceMatch.NearestNeighbour(source, target, Grid, Grid, Moving());
            (hits, points, chance) = (hits + m.Hits, points + m.Points, chance + m.ChanceHits);
        }
        double rate = (double)hits / points, expected = chance / points;
        Assert.InRange(expected, 8.0 / 256, 9.0 / 256);
        Assert.True(Math.Abs(rate - expected) < 0.012, $"hit rate {rate:F4} vs chance {expected:F4}");
    }

    [Fact]
    public void The_bootstrap_interval_brackets_the_mean_and_collapses_on_constant_values()
    {
        var m = BootstrapMean.Of([0.1, 0.2, 0.3, 0.4, double.NaN], resamples: 2000, seed: 1);
        Assert.Equal(0.25, m.Mean, 12);
        Assert.Equal(4, m.Count);
        Assert.True(m.Low < m.Mean && m.Mean < m.High && m.Low >= 0.1 && m.High <= 0.4);
        Assert.Equal(m, BootstrapMean.Of([0.1, 0.2, 0.3, 0.4, double.NaN], resamples: 2000, seed: 1));
        var flat = BootstrapMean.Of([0.5, 0.5, 0.5]);
        Assert.Equal((0.5, 0.5, 0.5), (flat.Mean, flat.Low, flat.High));
        Assert.True(double.IsNaN(BootstrapMean.Of([]).Mean));
    }
}
