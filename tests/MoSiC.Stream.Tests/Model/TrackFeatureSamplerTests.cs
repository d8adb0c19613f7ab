using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Objective;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Model;

[Collection(TorchGlobalState.Name)]
public class TrackFeatureSamplerTests
{
    public TrackFeatureSamplerTests() => TorchRuntime.EnsureLoaded();

    // Feature of patch (r, c) in frame (b, t) encodes its own coordinates, so the gathered value says where it came from.
    private static Tensor CodedFeatures(int b, int t, int gh, int gw)
    {
        var data = new float[b * t * gh * gw * 2];
        int i = 0;
        for (int bb = 0; bb < b; bb++) for (int tt = 0; tt < t; tt++) for (int r = 0; r < gh; r++) for (int c = 0; c < gw; c++)
                { data[i++] = r; data[i++] = c; }
        return tensor(data, new long[] { b, t, gh, gw, 2 });
    }

    [Fact]
    public void NearestReadsThePatchUnderThePointRowsByY()
    {
        using var scope = NewDisposeScope();
        Tensor feats = CodedFeatures(1, 1, 16, 11); // 224 × 154 frame, non-square catches H/W swaps
        // (x, y): (0, 0); (13.6, 14.2) rounds to (14, 14) → patch (1, 1); (153, 223) → (15, 10); out of frame clamps.
        Tensor tracks = tensor(new float[] { 0, 0, 13.6f, 14.2f, 153, 223, -5, 400, 20.4f, 100 }, new long[] { 1, 1, 5, 2 });
        Tensor got = TrackFeatureSampler.Sample(feats, tracks, 224, 154, new FeatureSamplingOptions());
        Assert.Equal(new float[] { 0, 0, 1, 1, 15, 10, 15, 0, 7, 1 }, got.data<float>().ToArray());
    }

    [Fact]
    public void CompatibilitySwapIndexesRowsWithX()
    {
        using var scope = NewDisposeScope();
        Tensor feats = CodedFeatures(1, 1, 16, 16);
        Tensor tracks = tensor(new float[] { 30, 200 }, new long[] { 1, 1, 1, 2 });
        Tensor correct = TrackFeatureSampler.Sample(feats, tracks, 224, 224, new FeatureSamplingOptions());
        Tensor swapped = TrackFeatureSampler.Sample(feats, tracks, 224, 224, new FeatureSamplingOptions { ReferenceSwapXY = true });
        Assert.Equal(new float[] { 14, 2 }, correct.data<float>().ToArray()); // row = floor(200/14), col = floor(30/14)
        Assert.Equal(new float[] { 2, 14 }, swapped.data<float>().ToArray());
    }

    [Fact]
    public void NearestEqualsReferenceUpsampleThenIndex()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        Tensor feats = randn(new long[] { 2, 3, 16, 16, 4 });
        Tensor tracks = rand(2, 3, 20, 2).mul(250).sub(13); // some points outside the frame
        Tensor got = TrackFeatureSampler.Sample(feats, tracks, 224, 224, new FeatureSamplingOptions());
        Tensor expected = UpsampleThenIndex(feats, tracks, InterpolationMode.Nearest);
        Assert.Equal(0f, got.sub(expected).abs().max().item<float>());
    }

    [Fact]
    public void BilinearEqualsReferenceUpsampleThenIndex()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        Tensor feats = randn(new long[] { 2, 3, 16, 16, 4 });
        Tensor tracks = rand(2, 3, 20, 2).mul(250).sub(13);
        Tensor got = TrackFeatureSampler.Sample(feats, tracks, 224, 224, new FeatureSamplingOptions { Mode = SamplingMode.Bilinear });
        Tensor expected = UpsampleThenIndex(feats, tracks, InterpolationMode.Bilinear);
        Assert.True(got.sub(expected).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void GradientFlowsIntoFeatures()
    {
        using var scope = NewDisposeScope();
        Tensor feats = randn(new long[] { 1, 2, 16, 16, 3 }).requires_grad_(true);
        Tensor tracks = rand(1, 2, 4, 2).mul(223);
        foreach (var mode in new[] { SamplingMode.Nearest, SamplingMode.Bilinear })
        {
            TrackFeatureSampler.Sample(feats, tracks, 224, 224, new FeatureSamplingOptions { Mode = mode }).sum().backward();
            Assert.True(feats.grad!.abs().sum().item<float>() > 0);
        }
    }

    // What the reference does: upsample each 16×16 map to 224×224, clamp and round the tracks, index [y, x].
    private static Tensor UpsampleThenIndex(Tensor feats, Tensor tracks, InterpolationMode mode)
    {
        long b = feats.shape[0], t = feats.shape[1], d = feats.shape[4], n = tracks.shape[2];
        Tensor maps = feats.permute(0, 1, 4, 2, 3).reshape(b * t, d, 16, 16);
        Tensor up = mode == InterpolationMode.Nearest
            ? F.interpolate(maps, size: new long[] { 224, 224 }, mode: mode)
            : F.interpolate(maps, size: new long[] { 224, 224 }, mode: mode, align_corners: false);
        up = up.reshape(b, t, d, 224, 224);
        Tensor idx = tracks.clamp(0, 223).round().to(ScalarType.Int64);
        var result = zeros(b, t, n, d);
        for (long bb = 0; bb < b; bb++) for (long tt = 0; tt < t; tt++) for (long k = 0; k < n; k++)
                {
                    long x = idx[bb, tt, k, 0].item<long>(), y = idx[bb, tt, k, 1].item<long>();
                    result[bb, tt, k] = up[bb, tt, TensorIndex.Colon, y, x];
                }
        return result;
    }
}
