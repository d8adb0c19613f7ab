using MoSiC.Stream.Tests.Model.Vit;
using MoSiC.Stream.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.CoTracker;

/// <summary>The whole offline forward (6 iterations) vs the golden direct model call (README 2.2, tolerances 2.4).</summary>
public class CoTrackerForwardParityTests(ITestOutputHelper output)
{
    private void Check(Tensor actual, Tensor expected, double tol, string what)
    {
        output.WriteLine($"{what}: max abs error {Golden.MaxAbsDiff(actual, expected):E2}");
        Golden.AssertClose(actual, expected, tol, what);
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [SkippableFact]
    public void SixIterationsMatchReference()
    {
        using var model = CoTrackerGolden.LoadModel();
        var io = CoTrackerGolden.Io();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var video = io.Load("video").to(ScalarType.Float32);
        var queries = io.Load("queries");

        using var result = model.Track(video, queries, iters: 6, recordIterations: true);

        var coordsIters = io.Load("coords_iters");
        var visLogits = io.Load("vis_logits_iters");
        var confLogits = io.Load("conf_logits_iters");
        Assert.Equal(6, result.CoordsIters.Count);
        for (int i = 0; i < 6; i++)
        {
            Check(result.CoordsIters[i], coordsIters[i], CoTrackerGolden.CoordsTol, $"cotracker3 coords iter {i}");
            Check(result.VisLogitsIters[i], visLogits[i], CoTrackerGolden.LogitTol, $"cotracker3 vis logits iter {i}");
            Check(result.ConfLogitsIters[i], confLogits[i], CoTrackerGolden.LogitTol, $"cotracker3 conf logits iter {i}");
        }
        Check(result.Coords, io.Load("coords"), CoTrackerGolden.CoordsTol, "cotracker3 coords");
        Check(result.Vis, io.Load("vis"), CoTrackerGolden.ProbTol, "cotracker3 vis");
        Check(result.Conf, io.Load("conf"), CoTrackerGolden.ProbTol, "cotracker3 conf");
    }
}
