using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Train;

/// <summary>A small model and a deterministic batch whose tracks move with a known shift, for CPU tests of the trainer.</summary>
internal static class TrainKit
{
    // 56 px = 4×4 patches: small enough for many steps per second on one core.
    public static readonly VitConfig Small = new("small-test", 48, 3, 3, ImageSize: 56);

    public static MosicTrainerOptions Options(long totalSteps = 10, int trainableBlocks = 2) => new()
    {
        Vit = Small,
        ProjectionDim = 32,
        Prototypes = 8,
        TrainableBlocks = trainableBlocks,
        TotalSteps = totalSteps,
        Seed = 3,
        // Larger rates than the reference so a few steps move the loss measurably.
        LearningRateBackbone = 1e-3,
        LearningRateHead = 1e-3,
    };

    /// <summary>Bit-exact equality of shape and values.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.allclose(b, rtol: 0, atol: 0);

    public static TrainBatch Batch(int seed, long b = 2, long t = 3, long n = 9)
    {
        var g = new Generator((ulong)seed);
        Tensor frames = randn(new long[] { b, t, 3, 56, 56 }, generator: g);
        // A 3×3 grid that drifts right by 2 px per frame; the last point turns invisible after frame 0.
        var xy = new float[b * t * n * 2];
        var vis = new bool[b * t * n];
        for (long i = 0; i < b; i++)
            for (long f = 0; f < t; f++)
                for (long p = 0; p < n; p++)
                {
                    long cell = ((i * t + f) * n) + p;
                    xy[2 * cell] = 8 + (p % 3) * 18 + 2 * f;
                    xy[2 * cell + 1] = 8 + (p / 3) * 18;
                    vis[cell] = f == 0 || p != n - 1;
                }
        return new TrainBatch(frames, tensor(xy, new long[] { b, t, n, 2 }), tensor(vis, new long[] { b, t, n }));
    }
}
