using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Vit;

/// <summary>Access to the DINOv2 golden fixtures (see shared/data/golden/README.md, section 1).</summary>
internal static class Golden
{
    /// <summary>Tolerances from the golden README, table 1.6.</summary>
    public const double NormTol = 1e-4, PrenormTol = 2e-5, PosEmbedTol = 1e-5, ResampleTol = 2e-5, LibTorchResampleTol = 1e-6;

    private static readonly object LogGate = new();

    public static string File(string relative) => Path.Combine(RepoPaths.Golden, relative);

    /// <summary>Skips the calling test when the fixture file is not there.</summary>
    public static string Require(string relative)
    {
        string path = File(relative);
        Skip.IfNot(System.IO.File.Exists(path), $"{relative} is not in ../shared/data/golden");
        TorchRuntime.EnsureLoaded();
        return path;
    }

    /// <summary>The fixture model for a variant folder ("dinov2" or "dinov2_reg4"), loaded from the given format.</summary>
    public static DinoVisionTransformer LoadModel(string variant, string extension)
    {
        string path = Require($"{variant}/state_dict.{extension}");
        var config = variant == "dinov2_reg4" ? VitConfig.FixtureReg4 : VitConfig.Fixture;
        var model = new DinoVisionTransformer(config);
        VitCheckpointLoader.Load(model, path, VitLoadOptions.Strict);
        model.eval();
        return model;
    }

    /// <summary>max |a − b| after casting both to float64.</summary>
    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var a = actual.to(ScalarType.Float64);
        using var b = expected.to(ScalarType.Float64);
        using var d = (a - b).abs().max();
        return d.item<double>();
    }

    /// <summary>Same shape and bit-identical values.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && MaxAbsDiff(a, b) == 0;

    public static void AssertClose(Tensor actual, Tensor expected, double atol, string what)
    {
        double err = MaxAbsDiff(actual, expected);
        // Set MOSIC_PARITY_LOG to a file path to collect every measured error for a report.
        if (Environment.GetEnvironmentVariable("MOSIC_PARITY_LOG") is { Length: > 0 } log)
            lock (LogGate)
                System.IO.File.AppendAllText(log, $"{what}\t{err:E2}\t{atol:E1}\n");
        Assert.True(err <= atol, $"{what}: max abs error {err:E2} > tolerance {atol:E1}");
    }
}
