using MoSiC.Stream.Tests.Model.Vit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.CoTracker;

/// <summary>EfficientUpdateFormer fed the reference's iteration-0 input (README 2.2; tolerance 2e-5 from table 2.4).</summary>
public class CoTrackerUpdateFormerParityTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void UpdateFormerOnReferenceInputMatchesIterationZero()
    {
        using var model = CoTrackerGolden.LoadModel();
        var io = CoTrackerGolden.Io();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = io.Load("updateformer_in_iter0");            // [1, 16, 8, 1110]
        var expected = io.Load("updateformer_out_iters")[0];     // [1, 16, 8, 4]
        var actual = model.UpdateFormer.forward(input);
        output.WriteLine($"updateformer iter 0: max abs error {Golden.MaxAbsDiff(actual, expected):E2}");
        Golden.AssertClose(actual, expected, CoTrackerGolden.UpdateFormerTol, "cotracker3 updateformer(iter-0 input)");
    }
}
