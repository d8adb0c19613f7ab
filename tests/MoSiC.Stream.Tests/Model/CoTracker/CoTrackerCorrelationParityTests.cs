using MoSiC.Stream.Model.CoTracker;
using MoSiC.Stream.Tests.Model.Vit;
using MoSiC.Stream.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.CoTracker;

/// <summary>
/// Pyramid, query support features, correlation samples, correlation volume and <c>corr_mlp</c> at iteration 0 vs the
/// golden intermediates (README 2.2; tolerance 5e-5 from table 2.4).
/// </summary>
public class CoTrackerCorrelationParityTests(ITestOutputHelper output)
{
    private void Check(Tensor actual, Tensor expected, string what)
    {
        output.WriteLine($"{what}: max abs error {Golden.MaxAbsDiff(actual, expected):E2}");
        Golden.AssertClose(actual, expected, CoTrackerGolden.IntermediateTol, what);
    }

    [SkippableFact]
    public void CorrMlpOnReferenceInputMatches()
    {
        using var model = CoTrackerGolden.LoadModel();
        var io = CoTrackerGolden.Io();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = io.Load("corr_mlp_in_iter0_level0");
        var expected = io.Load("corr_mlp_out_iter0")[0];
        Check(model.CorrMlp.forward(input), expected, "cotracker3 corr_mlp(level-0 input)");
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [SkippableFact]
    public void TrackFeaturesAndCorrelationMatchAtIterationZero()
    {
        using var model = CoTrackerGolden.LoadModel();
        var io = CoTrackerGolden.Io();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var video = CoTrackerThreeOffline.NormalizeVideo(io.Load("video").to(ScalarType.Float32));
        var queries = io.Load("queries");                                     // [1, 16, 3] (t, x, y) px
        long b = queries.shape[0], n = queries.shape[1], t = video.shape[1];
        var frames = queries.select(-1, 0).to(ScalarType.Int64);
        var coords = queries.narrow(-1, 1, 2) / CoTrackerThreeOffline.Stride;

        var fmaps = model.EncodeFrames(video);
        var pyramid = CoTrackerCorrelation.Pyramid(fmaps);
        Assert.Equal(new long[] { 1, 8, 128, 12, 16 }, pyramid[3].shape);

        var coordsInit = coords.reshape(b, 1, n, 2).expand(b, t, n, 2).reshape(b * t, n, 2);
        var mlpOut = io.Load("corr_mlp_out_iter0");
        for (int level = 0; level < CoTrackerThreeOffline.CorrLevels; level++)
        {
            double div = Math.Pow(2, level);
            var (centre, support) = CoTrackerCorrelation.TrackFeat(pyramid[level], frames, coords / div, CoTrackerThreeOffline.CorrRadius);
            if (level == 0)
            {
                Check(centre, io.Load("track_feat_level0"), "cotracker3 track_feat level 0");
                Check(support, io.Load("track_feat_support_level0"), "cotracker3 track_feat_support level 0");
            }
            var corrFeat = CoTrackerCorrelation.CorrelationFeat(pyramid[level], coordsInit / div, CoTrackerThreeOffline.CorrRadius);
            var volume = CoTrackerCorrelation.CorrelationVolume(corrFeat, support);
            if (level == 0)
                Check(volume, io.Load("corr_mlp_in_iter0_level0"), "cotracker3 corr_mlp input iter 0 level 0");
            Check(model.CorrMlp.forward(volume), mlpOut[level], $"cotracker3 corr_mlp output iter 0 level {level}");
        }
    }
}
