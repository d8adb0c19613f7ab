using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Vit.PosEmbed;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Vit;

/// <summary>The three 37×37 → 16×16 resize paths of pos_resample.safetensors, each told apart from the others.</summary>
public class PosResampleTests
{
    [SkippableFact]
    public void AntialiasedBicubicMatchesTimmLoadTimeResample()
    {
        using var io = SafetensorsReader.Read(Golden.Require("dinov2/pos_resample.safetensors"));
        using var scope = NewDisposeScope();
        var grid = io["grid"].to(ScalarType.Float32);
        var expected = io["resampled_size16_bicubic_antialias"];

        Golden.AssertClose(AntialiasedBicubic.Resize(grid, 16, 16), expected, Golden.ResampleTol, "AA bicubic 37→16");
        // Distinguishable: the plain bicubic of the same size is far off.
        Assert.True(Golden.MaxAbsDiff(io["resampled_size16_bicubic_noantialias"], expected) > 0.1);

        // The same path through the (1, 1 + M², D) token layout, as the loader uses it.
        var tokens = cat([zeros(1, 1, 384), grid.permute(0, 2, 3, 1).reshape(1, 37 * 37, 384)], 1);
        var resampled = PosEmbedResize.LoadTime(tokens, 16, 16);
        Golden.AssertClose(resampled[.., 1..], expected.permute(0, 2, 3, 1).reshape(1, 256, 384), Golden.ResampleTol, "LoadTime");
        Assert.Equal(0.0, Golden.MaxAbsDiff(resampled[.., ..1], zeros(1, 1, 384)));
    }

    [SkippableFact]
    public void OfficialRuntimePathUsesScaleFactorWithOffset()
    {
        using var io = SafetensorsReader.Read(Golden.Require("dinov2/pos_resample.safetensors"));
        using var scope = NewDisposeScope();
        var grid = io["grid"].to(ScalarType.Float32);
        var tokens = cat([ones(1, 1, 384), grid.permute(0, 2, 3, 1).reshape(1, 37 * 37, 384)], 1);

        var official = PosEmbedResize.Runtime(tokens, 16, 16, squareImage: true, antialias: false, offset: 0.1);
        var expected = io["resampled_scale_offset0.1_bicubic"].permute(0, 2, 3, 1).reshape(1, 256, 384);
        // 5.6e-6 measured against LibTorch 2.10; the README's own float64 model of this path is 8.9e-6 off the
        // torch 1.13 fixture, so the coordinate arithmetic differs slightly between versions: general tolerance here.
        Golden.AssertClose(official[.., 1..], expected, Golden.ResampleTol, "scale (16+0.1)/37");
        Assert.Equal(0.0, Golden.MaxAbsDiff(official[.., ..1], ones(1, 1, 384)));

        var sized = PosEmbedResize.Runtime(tokens, 16, 16, squareImage: true, antialias: false, offset: 0);
        var expectedSized = io["resampled_size16_bicubic_noantialias"].permute(0, 2, 3, 1).reshape(1, 256, 384);
        Golden.AssertClose(sized[.., 1..], expectedSized, Golden.LibTorchResampleTol, "size 16 no antialias");

        var aa = PosEmbedResize.Runtime(tokens, 16, 16, squareImage: true, antialias: true, offset: 0);
        var expectedAa = io["resampled_size16_bicubic_antialias"].permute(0, 2, 3, 1).reshape(1, 256, 384);
        Golden.AssertClose(aa[.., 1..], expectedAa, Golden.ResampleTol, "size 16 antialias");
    }

    [Fact]
    public void AntialiasedBicubicAgreesWithLibTorchUpAndDown()
    {
        MoSiC.Stream.Model.TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        var x = randn(new long[] { 2, 3, 37, 23 }, generator: g);
        foreach (var (h, w) in new[] { (16, 11), (16, 40), (50, 60), (37, 23), (5, 3) })
        {
            var ours = AntialiasedBicubic.Resize(x, h, w);
            var libtorch = nn.functional.interpolate(x, size: [h, w], mode: InterpolationMode.Bicubic,
                align_corners: false, antialias: true);
            Golden.AssertClose(ours, libtorch, Golden.ResampleTol, $"37×23 → {h}×{w}");
        }
    }

    [Fact]
    public void WeightsSumToOneAndStayInsideTheInput()
    {
        foreach (var (i, o) in new[] { (37L, 16L), (16L, 37L), (7L, 7L), (3L, 1L) })
        {
            var w = AntialiasedBicubic.Weights(i, o);
            for (int r = 0; r < o; r++)
            {
                double sum = 0;
                for (int c = 0; c < i; c++)
                    sum += w[r, c];
                Assert.Equal(1.0, sum, 12);
            }
        }
        // Same size: the kernel is the identity at integer offsets.
        var id = AntialiasedBicubic.Weights(5, 5);
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < 5; c++)
                Assert.Equal(r == c ? 1.0 : 0.0, id[r, c], 12);
    }
}
