using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Objective;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model;

public class SinkhornPropertyTests
{
    public SinkhornPropertyTests() => TorchRuntime.EnsureLoaded();

    private static Tensor RandomScores(long n, long k, long seed)
    {
        using var g = new Generator((ulong)seed);
        using var raw = rand(new long[] { n, k }, generator: g);
        return raw.mul(2).sub(1); // cosine-like, in [-1, 1]
    }

    [Fact]
    public void EverySampleSumsToOneAfterTheFinalNormalisation()
    {
        using var scope = NewDisposeScope();
        Tensor q = SinkhornKnopp.Assign(RandomScores(300, 12, 1), 0.05, 10);
        Assert.True(q.sum(dim: 1).sub(1).abs().max().item<float>() < 1e-5f);
        Assert.True(q.min().item<float>() >= 0);
    }

    [Fact]
    public void PrototypeMarginalsConvergeToEquipartition()
    {
        using var scope = NewDisposeScope();
        long n = 240, k = 8;
        Tensor q = SinkhornKnopp.Assign(RandomScores(n, k, 2), 0.2, 500);
        // Each prototype receives N/K samples' worth of mass once the alternating scaling has converged.
        Tensor perPrototype = q.sum(dim: 0);
        Assert.True(perPrototype.sub((double)n / k).abs().max().item<float>() < 1e-3f * n / k,
            string.Join(", ", perPrototype.data<float>().ToArray()));
    }

    [Fact]
    public void ExtremeScoresAtDefaultEpsilonGiveNoNaN()
    {
        using var scope = NewDisposeScope();
        // Rows of all +1, all -1, and one-hot ±1: e^(±20) at ε = 0.05, the widest range cosine scores allow.
        var data = new float[6 * 5];
        for (int j = 0; j < 5; j++) { data[j] = 1; data[5 + j] = -1; }
        for (int r = 2; r < 6; r++) for (int j = 0; j < 5; j++) data[r * 5 + j] = j == r - 2 ? 1 : -1;
        Tensor q = SinkhornKnopp.Assign(tensor(data, new long[] { 6, 5 }), 0.05, 10);
        Assert.False(q.isnan().any().item<bool>());
        Assert.True(q.sum(dim: 1).sub(1).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void LargeScoreOverEpsilonDoesNotOverflow()
    {
        using var scope = NewDisposeScope();
        // exp(1/0.01) = e^100 overflows fp32 without the max subtraction.
        Tensor scores = RandomScores(64, 6, 3).mul(0.25).add(0.75);
        Tensor q = SinkhornKnopp.Assign(scores, 0.01, 10);
        Assert.False(q.isnan().any().item<bool>() || q.isinf().any().item<bool>());
    }

    [Fact]
    public void ShiftingAllScoresByAConstantChangesNothing()
    {
        using var scope = NewDisposeScope();
        Tensor s = RandomScores(50, 7, 4);
        Tensor a = SinkhornKnopp.Assign(s, 0.05, 10);
        Tensor b = SinkhornKnopp.Assign(s.add(0.3), 0.05, 10);
        Assert.True(a.sub(b).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void ResultIsDetachedFloat32()
    {
        using var scope = NewDisposeScope();
        Tensor s = RandomScores(20, 4, 5).to(ScalarType.Float64).requires_grad_(true);
        Tensor q = SinkhornKnopp.Assign(s, 0.05, 3);
        Assert.Equal(ScalarType.Float32, q.dtype);
        Assert.False(q.requires_grad);
    }
}
