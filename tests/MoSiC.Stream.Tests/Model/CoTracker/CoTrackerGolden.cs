using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.CoTracker;
using MoSiC.Stream.Tests.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.CoTracker;

/// <summary>Access to the CoTracker3 golden fixtures (shared/data/golden/README.md, section 2).</summary>
internal static class CoTrackerGolden
{
    /// <summary>Tolerances from README table 2.4.</summary>
    public const double FnetRtol = 1e-3, FnetAtol = 1e-3, IntermediateTol = 5e-5, UpdateFormerTol = 2e-5, LogitTol = 5e-5, CoordsTol = 5e-4, ProbTol = 1e-5;

    /// <summary>The fixture model, fp16 weights loaded strictly as fp32, eval mode.</summary>
    public static CoTrackerThreeOffline LoadModel()
    {
        string path = Golden.Require("cotracker3/state_dict_fp16.pth");
        var model = new CoTrackerThreeOffline();
        CoTrackerCheckpointLoader.Load(model, path);
        model.eval();
        return model;
    }

    /// <summary>The direct-forward fixture file.</summary>
    public static SafetensorsReader Io() => SafetensorsReader.Open(Golden.Require("cotracker3/io.safetensors"));

    /// <summary>Asserts |a − e| ≤ atol + rtol·|e| everywhere; logs the worst excess like <see cref="Golden.AssertClose"/>.</summary>
    public static void AssertAllClose(Tensor actual, Tensor expected, double rtol, double atol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var a = actual.to(ScalarType.Float64);
        using var e = expected.to(ScalarType.Float64);
        using var diff = (a - e).abs();
        using var bound = atol + rtol * e.abs();
        using var ratio = diff / bound;
        double worst = ratio.max().item<double>();
        double maxAbs = diff.max().item<double>();
        if (Environment.GetEnvironmentVariable("MOSIC_PARITY_LOG") is { Length: > 0 } log)
            File.AppendAllText(log, $"{what}\t{maxAbs:E2}\trtol {rtol:E1} + atol {atol:E1} (worst ratio {worst:F3})\n");
        Assert.True(worst <= 1.0, $"{what}: max abs error {maxAbs:E2}, worst |d|/(atol+rtol|e|) = {worst:F3} > 1");
    }
}
