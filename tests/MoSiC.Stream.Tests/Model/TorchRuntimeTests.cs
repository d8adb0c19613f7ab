using MoSiC.Stream.Model;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model;

[Collection(TorchGlobalState.Name)]
public class TorchRuntimeTests
{
    [Fact]
    public void LoadsAndMultipliesMatrices()
    {
        TorchRuntime.EnsureLoaded();
        TorchRuntime.EnsureLoaded(); // idempotent

        using var a = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        using var c = matmul(a, b);

        Assert.Equal(new long[] { 2, 2 }, c.shape);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [Fact]
    public void FunctionalOpsGiveExpectedNumbers()
    {
        TorchRuntime.EnsureLoaded();

        using var x = tensor(new float[] { -1f, 0f, 2f });
        using var relu = nn.functional.relu(x);
        Assert.Equal(new float[] { 0f, 0f, 2f }, relu.data<float>().ToArray());

        // softmax([0, ln 3]) = [1/4, 3/4]
        using var logits = tensor(new float[] { 0f, MathF.Log(3f) });
        using var sm = nn.functional.softmax(logits, 0);
        float[] p = sm.data<float>().ToArray();
        Assert.Equal(0.25f, p[0], 5);
        Assert.Equal(0.75f, p[1], 5);

        // linear: y = x W^T + b with W = [[1, 2, 3], [0, -1, 1]], b = [0.5, -0.5]
        using var w = tensor(new float[] { 1, 2, 3, 0, -1, 1 }, new long[] { 2, 3 });
        using var bias = tensor(new float[] { 0.5f, -0.5f });
        using var y = nn.functional.linear(x, w, bias);
        Assert.Equal(new float[] { 5.5f, 1.5f }, y.data<float>().ToArray());
    }

    [Fact]
    public void SetThreadsChangesLibTorchIntraOpPool()
    {
        int before = TorchRuntime.Threads;
        try
        {
            TorchRuntime.SetThreads(1);
            Assert.Equal(1, TorchRuntime.Threads);
            Assert.Equal(1, get_num_threads());
        }
        finally
        {
            TorchRuntime.SetThreads(before);
        }
    }

    [Fact]
    public void SetThreadsRejectsNonPositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.SetThreads(0));
    }
}
