using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Vit;

namespace MoSiC.Stream.Bench;

/// <summary>
/// Training FLOPs of one MoSiC step in the ViT only, counting what actually runs: forward ≈ 2·(matmul params)·tokens
/// plus 4·T²·D of attention per layer, for the teacher over every frame and the student over the frames the loss reads
/// (frame 0 of each clip in the reference direction, every frame otherwise); backward ≈ 2× the forward of the
/// trainable blocks, for the frames that carry gradient (frame 0 of each clip in the reference direction).
/// Heads, Sinkhorn and the sampler are left out: they are the small part this benchmark measures in time instead.
/// </summary>
internal static class TrainStepFlops
{
    public static (double Forward, double Backward) Of(MosicTrainerOptions options, int clips, int frames, int imageSize)
    {
        VitConfig c = options.Vit;
        int grid = imageSize / c.PatchSize;
        double patches = (double)grid * grid;
        double tokens = c.PrefixTokens + patches;
        double d = c.EmbedDim;
        // qkv (3D²) + projection (D²) + the two MLP layers (2·D·hidden).
        double blockParams = 4 * d * d + 2 * d * c.MlpHidden;
        double block = 2 * blockParams * tokens + 4 * tokens * tokens * d;
        double patchEmbed = 2 * patches * (3.0 * c.PatchSize * c.PatchSize * d);
        double image = patchEmbed + c.Depth * block;

        long gradFrames = options.Objective.Direction == LossDirection.Reference ? clips : (long)clips * frames;
        double forward = ((double)clips * frames + gradFrames) * image;
        double backward = 2.0 * gradFrames * Math.Min(options.TrainableBlocks, c.Depth) * block;
        return (forward, backward);
    }

    /// <summary>
    /// Projection head and prototypes: teacher forward over every point, student forward and backward (≈ 2×) over the
    /// share <paramref name="studentShare"/> of them it runs on (1/T in the reference direction: frame 0 only).
    /// </summary>
    public static double Heads(long headParams, long points, double studentShare) => 2.0 * headParams * points * (1 + 3 * studentShare);
}
