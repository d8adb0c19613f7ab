using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Augment;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model;

public class ClipAugmentationTests
{
    private const int T = 3, H = 96, W = 128, S = 160;

    public ClipAugmentationTests() => TorchRuntime.EnsureLoaded();

    // Points on a coarse lattice, moving (+3, +2) px per frame; each gets a unique colour painted as a 7×7 block.
    private static (Tensor Frames, Tensor Tracks, Tensor Vis, float[] Colours) PaintedClip()
    {
        var pts = new List<(int X, int Y)>();
        for (int y = 8; y < H - 12; y += 16) for (int x = 8; x < W - 12; x += 16) pts.Add((x, y));
        int n = pts.Count;
        var frames = new float[T * 3 * H * W];
        var tracks = new float[T * n * 2];
        var colours = new float[n];
        for (int i = 0; i < n; i++) colours[i] = (i + 1f) / (n + 1f);
        for (int t = 0; t < T; t++)
            for (int i = 0; i < n; i++)
            {
                int px = pts[i].X + 3 * t, py = pts[i].Y + 2 * t;
                tracks[(t * n + i) * 2] = px;
                tracks[(t * n + i) * 2 + 1] = py;
                for (int dy = -3; dy <= 3; dy++) for (int dx = -3; dx <= 3; dx++)
                    {
                        frames[((t * 3 + 0) * H + py + dy) * W + px + dx] = colours[i];
                        frames[((t * 3 + 1) * H + py + dy) * W + px + dx] = 1 - colours[i];
                    }
            }
        return (tensor(frames, new long[] { T, 3, H, W }), tensor(tracks, new long[] { T, n, 2 }),
            ones(T, n, dtype: ScalarType.Bool), colours);
    }

    [Fact]
    public void TrackedPointsLandOnTheirOwnContentAfterFlipAndCrop()
    {
        using var scope = NewDisposeScope();
        var (frames, tracks, vis, colours) = PaintedClip();
        var options = new ClipAugmentOptions { OutputSize = S, GridSize = 8, MaxPoints = 64 };
        bool sawFlip = false, sawNoFlip = false;
        int checkedPoints = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            var p = ClipAugmentParams.Sample(H, W, options, new Random(seed));
            sawFlip |= p.Flip;
            sawNoFlip |= !p.Flip;
            Tensor outFrames = ClipAugmentation.ApplyToFrames(frames, p);
            Assert.Equal(new long[] { T, 3, S, S }, outFrames.shape);
            using var aug = ClipAugmentation.ApplyToTracks(tracks, vis, p, options);
            float[] img = outFrames.data<float>().ToArray();
            float[] xy = aug.Tracks.data<float>().ToArray();
            bool[] v = aug.Visibility.data<bool>().ToArray();
            long[] src = aug.SourceIndex.data<long>().ToArray();
            int m = src.Length;
            Assert.True(m > 0);
            for (int t = 0; t < T; t++)
                for (int j = 0; j < m; j++)
                {
                    if (!v[t * m + j]) continue;
                    int x = (int)Math.Round(xy[(t * m + j) * 2]), y = (int)Math.Round(xy[(t * m + j) * 2 + 1]);
                    Assert.InRange(x, 0, S - 1);
                    Assert.InRange(y, 0, S - 1);
                    float r = img[((t * 3 + 0) * S + y) * S + x], g = img[((t * 3 + 1) * S + y) * S + x];
                    Assert.True(Math.Abs(r - colours[src[j]]) < 1e-5 && Math.Abs(g - (1 - colours[src[j]])) < 1e-5,
                        $"seed {seed} frame {t} point {src[j]} at ({x}, {y}): read {r}, expected {colours[src[j]]}");
                    checkedPoints++;
                }
        }
        Assert.True(sawFlip && sawNoFlip);
        Assert.True(checkedPoints > 100);
    }

    [Fact]
    public void PointsLeavingTheCropBecomeInvisibleAndOutsidersAreDropped()
    {
        using var scope = NewDisposeScope();
        var p = new ClipAugmentParams(false, 10, 20, 40, 40, H, W, 80);
        // Point 0 starts inside and leaves at frame 1; point 1 starts outside.
        Tensor tracks = tensor(new float[] { 30, 20, 5, 5, 70, 20, 30, 30 }, new long[] { 2, 2, 2 });
        var options = new ClipAugmentOptions { OutputSize = 80, GridSize = 4, MaxPoints = 16 };
        using var aug = ClipAugmentation.ApplyToTracks(tracks, ones(2, 2, dtype: ScalarType.Bool), p, options);
        Assert.Equal(new long[] { 0 }, aug.SourceIndex.data<long>().ToArray());
        Assert.Equal(new[] { true, false }, aug.Visibility.data<bool>().ToArray());
        // x' = (30 − 20 + 0.5)·80/40 − 0.5 = 20.5, y' = (20 − 10 + 0.5)·2 − 0.5 = 20.5
        Assert.Equal(new[] { 20.5f, 20.5f }, aug.Tracks[0, 0].data<float>().ToArray());
    }

    [Fact]
    public void KeepsOnePointPerGridCellFromADenserGrid()
    {
        using var scope = NewDisposeScope();
        // 32×32 source grid on a 224 frame, identity crop: the 16×16 selection takes one point near each cell centre.
        var xy = new float[32 * 32 * 2];
        for (int i = 0; i < 32 * 32; i++) { xy[2 * i] = (i % 32) * 7 + 3; xy[2 * i + 1] = (i / 32) * 7 + 3; }
        Tensor tracks = tensor(xy, new long[] { 1, 1024, 2 });
        var p = ClipAugmentParams.Whole(224, 224, 224);
        using var aug = ClipAugmentation.ApplyToTracks(tracks, ones(1, 1024, dtype: ScalarType.Bool), p, new ClipAugmentOptions());
        float[] kept = aug.Tracks.data<float>().ToArray();
        Assert.Equal(256, kept.Length / 2);
        for (int c = 0; c < 256; c++)
        {
            double gx = (c % 16 + 0.5) * 14 - 0.5, gy = (c / 16 + 0.5) * 14 - 0.5;
            Assert.True(Math.Abs(kept[2 * c] - gx) <= 3.5 && Math.Abs(kept[2 * c + 1] - gy) <= 3.5, $"cell {c}");
            Assert.Equal(c / 16, (int)Math.Floor(Math.Round(kept[2 * c + 1]) / 14)); // one point per patch row/col
            Assert.Equal(c % 16, (int)Math.Floor(Math.Round(kept[2 * c]) / 14));
        }
    }

    [Fact]
    public void SamplingIsDeterministicPerSeedAndRespectsTheAreaRange()
    {
        var options = new ClipAugmentOptions();
        for (int seed = 0; seed < 50; seed++)
        {
            var a = ClipAugmentParams.Sample(224, 224, options, new Random(seed));
            Assert.Equal(a, ClipAugmentParams.Sample(224, 224, options, new Random(seed)));
            double area = (double)a.Width * a.Height / (224 * 224);
            Assert.InRange(area, 0.38, 1.0); // 0.4 up to rounding of the box sides
            Assert.InRange(a.Left + a.Width, 1, 224);
            Assert.InRange(a.Top + a.Height, 1, 224);
        }
    }

    [Fact]
    public void OptionsAreValidatedWithFieldNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ClipAugmentOptions { CropScaleMin = 0, MaxPoints = 300 }.Validated());
        Assert.Contains("cropScaleMin", ex.Message);
        Assert.Contains("maxPoints", ex.Message);
    }
}
