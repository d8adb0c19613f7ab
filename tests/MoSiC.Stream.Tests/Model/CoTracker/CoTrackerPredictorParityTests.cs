using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.CoTracker;
using MoSiC.Stream.Tests.Model.Vit;
using MoSiC.Stream.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.CoTracker;

/// <summary>The predictor path on a 120×160 video vs golden predictor_io.safetensors (README 2.3).</summary>
public class CoTrackerPredictorParityTests(ITestOutputHelper output)
{
    private void Check(Tensor actual, Tensor expected, double tol, string what)
    {
        output.WriteLine($"{what}: max abs error {Golden.MaxAbsDiff(actual, expected):E2}");
        Golden.AssertClose(actual, expected, tol, what);
    }

    private static void SameBool(Tensor actual, Tensor expected, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var differ = actual.to(ScalarType.Bool).not_equal(expected.to(ScalarType.Bool)).sum();
        Assert.True(differ.item<long>() == 0, $"{what}: {differ.item<long>()} booleans differ");
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [SkippableFact]
    public void GridAndQueryPathsMatchReference()
    {
        using var model = CoTrackerGolden.LoadModel();
        var io = SafetensorsReader.Open(Golden.Require("cotracker3/predictor_io.safetensors"));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var video = io.Load("video").to(ScalarType.Float32);
        var predictor = new CoTrackerPredictor(model);

        using (var grid = predictor.Predict(video, null, gridSize: 4))
        {
            Check(grid.ModelQueries, io.Load("model_queries_grid"), 0, "predictor grid model queries");
            Check(grid.ModelTracks, io.Load("model_tracks_grid"), CoTrackerGolden.CoordsTol, "predictor grid model tracks");
            Check(grid.ModelVis, io.Load("model_vis_grid"), CoTrackerGolden.ProbTol, "predictor grid model vis");
            Check(grid.ModelConf, io.Load("model_conf_grid"), CoTrackerGolden.ProbTol, "predictor grid model conf");
            Check(grid.Tracks, io.Load("tracks_grid"), CoTrackerGolden.CoordsTol, "predictor grid tracks");
            SameBool(grid.Visibility, io.Load("visibility_grid"), "predictor grid visibility");
        }

        using (var q = predictor.Predict(video, io.Load("queries_in_q")))
        {
            Check(q.ModelQueries, io.Load("model_queries_q"), 1e-5, "predictor queries model queries");
            Check(q.ModelTracks, io.Load("model_tracks_q"), CoTrackerGolden.CoordsTol, "predictor queries model tracks");
            Check(q.ModelVis, io.Load("model_vis_q"), CoTrackerGolden.ProbTol, "predictor queries model vis");
            Check(q.ModelConf, io.Load("model_conf_q"), CoTrackerGolden.ProbTol, "predictor queries model conf");
            Check(q.Tracks, io.Load("tracks_q"), CoTrackerGolden.CoordsTol, "predictor queries tracks");
            SameBool(q.Visibility, io.Load("visibility_q"), "predictor queries visibility");
        }
    }
}
