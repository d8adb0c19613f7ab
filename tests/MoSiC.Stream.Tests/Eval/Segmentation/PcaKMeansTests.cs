using MoSiC.Stream.Eval.Segmentation;
using MoSiC.Stream.Model;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Eval.Segmentation;

public class PcaTests
{
    public PcaTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void PointsOnALineProjectToTheirStandardisedPositions()
    {
        // x = -1, 0, 1 and y = 2x. Standardised (ddof 0): both columns become -√1.5, 0, √1.5; the covariance (ddof 1)
        // is [[1.5, 1.5], [1.5, 1.5]] with eigenvalues 3 and 0; the first axis is (1, 1)/√2, so the projection is
        // √2 · z = -√3, 0, √3.
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { -1, -2, 0, 0, 1, 2 }).reshape(3, 2);
        using var pca = Pca.Fit(x, dimensions: 1);
        Assert.Equal(1, pca.Dimensions);
        double[] axis = pca.Components.data<double>().ToArray();
        Assert.Equal(1 / Math.Sqrt(2), axis[0], 12);
        Assert.Equal(1 / Math.Sqrt(2), axis[1], 12);
        Assert.Equal(3.0, pca.ExplainedVariance.item<double>(), 12);
        double[] projected = pca.Transform(x).data<double>().ToArray();
        Assert.Equal(-Math.Sqrt(3), projected[0], 12);
        Assert.Equal(0.0, projected[1], 12);
        Assert.Equal(Math.Sqrt(3), projected[2], 12);
    }

    [Fact]
    public void KeepsAtMostTheRequestedDimensionsWithOrthonormalAxesInDecreasingVariance()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        Tensor x = randn(new long[] { 200, 64 }, generator: g).matmul(randn(new long[] { 64, 64 }, generator: g));
        using var pca = Pca.Fit(x, dimensions: 50);
        Assert.Equal(new long[] { 50, 64 }, pca.Components.shape);
        Tensor gram = pca.Components.matmul(pca.Components.t());
        Assert.True(gram.sub(eye(50, dtype: ScalarType.Float64)).abs().max().item<double>() < 1e-10);
        double[] v = pca.ExplainedVariance.data<double>().ToArray();
        for (int i = 1; i < v.Length; i++) Assert.True(v[i] <= v[i - 1]);
        Tensor y = pca.Transform(x);
        Assert.Equal(new long[] { 200, 50 }, y.shape);
        // Projected columns are centred with the eigenvalues as variances.
        Assert.True(y.mean(new long[] { 0 }).abs().max().item<double>() < 1e-9);
        Tensor variances = y.pow(2).sum(dim: 0).div(199);
        Assert.True(variances.sub(pca.ExplainedVariance).abs().max().item<double>() < 1e-8);
    }

    [Fact]
    public void FewerDimensionsThanRequestedAndAConstantColumnStayFinite()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 1, 5, 0, 2, 5, 1, 4, 5, 3, 3, 5, 7 }).reshape(4, 3); // column 1 constant
        using var pca = Pca.Fit(x, dimensions: 50);
        Assert.Equal(3, pca.Dimensions);
        Assert.False(pca.Transform(x).isnan().any().item<bool>());
    }
}

public class KMeansTests
{
    public KMeansTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void TwoSeparatedPairsGiveTheirMidpointsAndHandComputedInertia()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 0, 0, 0, 1, 10, 0, 10, 1 }).reshape(4, 2);
        using var r = KMeans.Fit(x, new KMeansOptions(Clusters: 2, Restarts: 3, Seed: 1));
        long[] labels = r.Labels.data<long>().ToArray();
        Assert.Equal(labels[0], labels[1]);
        Assert.Equal(labels[2], labels[3]);
        Assert.NotEqual(labels[0], labels[2]);
        double[] left = r.Centres[labels[0]].data<double>().ToArray();
        double[] right = r.Centres[labels[2]].data<double>().ToArray();
        Assert.Equal(new[] { 0.0, 0.5 }, left);
        Assert.Equal(new[] { 10.0, 0.5 }, right);
        Assert.Equal(4 * 0.25, r.Inertia, 12);
    }

    [Fact]
    public void RestartsFindTheOptimumOfThreeOneDimensionalPairs()
    {
        // Optimum: {0,1}, {10,11}, {20,21}, inertia 3 · 2 · 0.25 = 1.5.
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 0, 1, 10, 11, 20, 21 }).reshape(6, 1);
        using var r = KMeans.Fit(x, new KMeansOptions(Clusters: 3, Restarts: 10, Seed: 7));
        Assert.Equal(1.5, r.Inertia, 12);
        long[] l = r.Labels.data<long>().ToArray();
        Assert.Equal(3, l.Distinct().Count());
        Assert.True(l[0] == l[1] && l[2] == l[3] && l[4] == l[5]);
    }

    [Fact]
    public void SameSeedSameResult()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        Tensor x = randn(new long[] { 300, 8 }, generator: g);
        using var a = KMeans.Fit(x, new KMeansOptions(Clusters: 5, Restarts: 4, Seed: 42));
        using var b = KMeans.Fit(x, new KMeansOptions(Clusters: 5, Restarts: 4, Seed: 42));
        Assert.True(a.Labels.eq(b.Labels).all().item<bool>());
        Assert.True(a.Centres.eq(b.Centres).all().item<bool>());
        Assert.Equal(a.Inertia, b.Inertia);
        Assert.Equal(5, a.Labels.unique().Item1.shape[0]);
    }

    [Fact]
    public void AssignAgreesWithTheFittedLabels()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        Tensor x = randn(new long[] { 100, 3 }, generator: g);
        using var r = KMeans.Fit(x, new KMeansOptions(Clusters: 4, Restarts: 2, Seed: 3));
        Assert.True(KMeans.Assign(x, r.Centres).eq(r.Labels).all().item<bool>());
    }

    [Fact]
    public void DuplicateRowsStillGiveKClusters()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 1, 1, 1, 1, 2, 2 }).reshape(6, 1);
        using var r = KMeans.Fit(x, new KMeansOptions(Clusters: 2, Restarts: 2, Seed: 0));
        Assert.Equal(0.0, r.Inertia, 12);
    }
}

public class KMeansEmptyClusterTests
{
    public KMeansEmptyClusterTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void IdenticalRowsGiveTwoEqualCentresAndTheEmptyOneIsReseeded()
    {
        // All rows coincide: k-means++ falls back to a second (identical) row, every row goes to centre 0, centre 1 is
        // empty after the first assignment and is re-seeded at a row: both centres end on the point, inertia 0.
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 3, 1, 3, 1, 3, 1 }).reshape(3, 2);
        using var r = KMeans.Fit(x, new KMeansOptions(Clusters: 2, Restarts: 1, Seed: 0));
        Assert.Equal(0.0, r.Inertia, 12);
        Assert.Equal(new[] { 3.0, 1.0, 3.0, 1.0 }, r.Centres.data<double>().ToArray());
    }
}

[Collection(TorchGlobalState.Name)]
public class KMeansGlobalGeneratorTests
{
    public KMeansGlobalGeneratorTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void DoesNotAdvanceTheGlobalGenerator()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 0, 1, 10, 11, 20, 21 }).reshape(6, 1);
        manual_seed(123);
        float expected = rand(1).item<float>();
        manual_seed(123);
        using (KMeans.Fit(x, new KMeansOptions(Clusters: 3, Restarts: 3, Seed: 9))) { }
        Assert.Equal(expected, rand(1).item<float>());
    }
}
