using MoSiC.Stream.Model.CoTracker;
using MoSiC.Stream.Tests.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.CoTracker;

/// <summary>A clip's tracks do not depend on the other clips of its batch (small frames, fixture weights).</summary>
public class CoTrackerBatchTests
{
    [SkippableFact]
    public void BatchedPredictionEqualsOneClipAtATime()
    {
        using var model = CoTrackerGolden.LoadModel();
        var io = CoTrackerGolden.Io();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Two different 4-frame 60×80 clips cut from the golden video; the predictor resizes them to 384×512.
        var full = io.Load("video").to(ScalarType.Float32);
        var clipA = full[.., 0..4, .., 0..60, 0..80];
        var clipB = full[.., 4..8, .., 100..160, 200..280];
        var video = cat(new[] { clipA, clipB }, dim: 0);
        var queries = tensor(new float[] { 0, 10, 12, 1, 40.5f, 30, 3, 70, 50, 0, 5, 5, 2, 20, 44, 1, 60, 10 }).reshape(2, 3, 3);
        var predictor = new CoTrackerPredictor(model) { Iterations = 2 };

        using var both = predictor.Predict(video, queries);
        for (int i = 0; i < 2; i++)
        {
            using var one = predictor.Predict(video.narrow(0, i, 1), queries.narrow(0, i, 1));
            Golden.AssertClose(both.Tracks.narrow(0, i, 1), one.Tracks, 1e-4, $"cotracker3 batched tracks clip {i}");
            using var differ = both.Visibility.narrow(0, i, 1).not_equal(one.Visibility).sum();
            Assert.True(differ.item<long>() == 0, $"visibility of clip {i} differs in {differ.item<long>()} places");
            // Query pinning: at its own frame each track is exactly its query.
            for (int q = 0; q < 3; q++)
            {
                int f = (int)queries[i, q, 0].item<float>();
                Golden.AssertClose(both.Tracks[i, f, q], queries[i, q, 1..3], 1e-4, $"pinned query {q} clip {i}");
                Assert.True(both.Visibility[i, f, q].item<bool>());
            }
        }
    }
}
