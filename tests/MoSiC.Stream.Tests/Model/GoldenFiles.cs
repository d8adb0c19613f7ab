using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model;

/// <summary>Opens golden fixtures (skipping the test when they are absent) and compares tensors.</summary>
internal static class GoldenFiles
{
    public static SafetensorsReader OpenMosic(string file)
    {
        string path = Path.Combine(RepoPaths.Golden, "mosic", file);
        Skip.IfNot(File.Exists(path), $"{path} is not present (golden fixtures live in ../shared/data/golden)");
        TorchRuntime.EnsureLoaded();
        return SafetensorsReader.Open(path);
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.shape, b.shape);
        using var d = (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max();
        return d.item<double>();
    }
}
