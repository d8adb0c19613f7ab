using MoSiC.Stream.Model.CoTracker;
using MoSiC.Stream.Tests.Model.Vit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.CoTracker;

/// <summary>fnet (BasicEncoder) output vs the reference's, frames 0 and 1 of the golden video.</summary>
public class CoTrackerEncoderParityTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void FnetMatchesReferenceOnFirstTwoFrames()
    {
        using var model = CoTrackerGolden.LoadModel();
        var io = CoTrackerGolden.Io();
        using var scope = NewDisposeScope();
        var video = io.Load("video").to(ScalarType.Float32);                 // [1, 8, 3, 384, 512]
        var frames = CoTrackerThreeOffline.NormalizeVideo(video[0].narrow(0, 0, 2)); // [2, 3, 384, 512]
        var expected = io.Load("fnet_out_frames01_f16").to(ScalarType.Float32);

        Tensor actual;
        using (no_grad())
            actual = model.Fnet.forward(frames);

        output.WriteLine($"fnet max abs error {Golden.MaxAbsDiff(actual, expected):E2} (max |ref| {expected.abs().max().item<float>():F2})");
        // Sharper look: our output rounded to fp16 should differ from the stored fp16 by at most one fp16 ulp
        // (ulp floored at 1e-4: near zero, fp32 noise alone moves a value across many tiny fp16 steps).
        using var rounded = actual.to(ScalarType.Float16).to(ScalarType.Float32);
        using var ulp = (expected.abs() * Math.Pow(2, -10)).clamp_min(1e-4);
        using var ulps = ((rounded - expected).abs() / ulp).max();
        output.WriteLine($"fnet rounded to fp16: max error {ulps.item<float>():F2} fp16 ulp");
        Assert.True(ulps.item<float>() <= 1.0f, $"fnet rounded to fp16 is {ulps.item<float>():F2} ulp off the stored values");
        CoTrackerGolden.AssertAllClose(actual, expected, CoTrackerGolden.FnetRtol, CoTrackerGolden.FnetAtol, "cotracker3 fnet frames 0-1");
    }
}
