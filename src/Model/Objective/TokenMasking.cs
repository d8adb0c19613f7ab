using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Objective;

/// <summary>
/// Student token masking as the reference implements it (docs/reference-code.md §1.11): one random subset of
/// patches dropped per clip, the same for all its frames; dropped patches come back as all-zero features, and
/// sampled points whose feature is all zero are left out of the loss.
/// </summary>
public static class TokenMasking
{
    /// <summary>
    /// Keep mask [clips, patches] (true = kept): per clip, the first <c>floor(patches · ratio)</c> positions of a
    /// random permutation (argsort of Gaussian noise) are dropped.
    /// </summary>
    /// <param name="clips">Number of clips B.</param>
    /// <param name="patches">Patch tokens per frame.</param>
    /// <param name="ratio">Fraction dropped, in [0, 1) (paper's ablation: 0.1; released run: 0).</param>
    /// <param name="generator">Random source (null: torch's default generator).</param>
    public static Tensor KeepMask(long clips, long patches, double ratio, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clips, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(patches, 1);
        if (!(ratio >= 0 && ratio < 1)) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "must be in [0, 1)");
        using var scope = NewDisposeScope();
        long dropped = (long)(patches * ratio);
        Tensor order = randn(new long[] { clips, patches }, generator: generator).argsort(1);
        Tensor rank = order.argsort(1); // rank of each patch in the permutation
        return rank.ge(dropped).MoveToOuterDisposeScope();
    }

    /// <summary>Zeroes the dropped patches of [B, T, P, D] features with a [B, P] keep mask (same mask on every frame).</summary>
    public static Tensor ZeroDropped(Tensor features, Tensor keep)
    {
        using var scope = NewDisposeScope();
        Tensor w = keep.to(features.dtype).unsqueeze(1).unsqueeze(-1);
        return features.mul(w).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The loss mask [B, T, N] of the reference: true where the student feature sampled at the track would not be a
    /// dropped patch, i.e. would not sum to zero. Read from the [B, P] keep mask at the tracks [B, T, N, 2] with the
    /// same sampler as the features, so it needs no student features of frames the loss does not otherwise use.
    /// </summary>
    /// <param name="keep">[B, Gh·Gw] keep mask (<see cref="KeepMask"/>), the same for every frame of a clip.</param>
    /// <param name="tracks">[B, T, N, 2] (x, y) pixels.</param>
    /// <param name="gridRows">Gh.</param>
    /// <param name="gridCols">Gw.</param>
    /// <param name="imageHeight">Frame height in pixels.</param>
    /// <param name="imageWidth">Frame width in pixels.</param>
    /// <param name="sampling">The feature sampler's settings.</param>
    public static Tensor KeptAt(Tensor keep, Tensor tracks, long gridRows, long gridCols, long imageHeight, long imageWidth, FeatureSamplingOptions sampling)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long b = tracks.shape[0], t = tracks.shape[1];
        Tensor map = keep.to(ScalarType.Float32).reshape(b, 1, gridRows, gridCols, 1).expand(b, t, gridRows, gridCols, 1);
        return TrackFeatureSampler.Sample(map, tracks, imageHeight, imageWidth, sampling).squeeze(-1).ne(0).MoveToOuterDisposeScope();
    }
}
