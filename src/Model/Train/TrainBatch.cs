using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Train;

/// <summary>
/// One optimisation step's input. Owns its tensors.
/// </summary>
/// <param name="Frames">(B, T, 3, H, W) float32, normalised with mean (0.485, 0.456, 0.406) and std (0.228, 0.224, 0.225).</param>
/// <param name="Tracks">(B, T, N, 2) float32, (x, y) pixels of the H × W frames (pixel centres at integers).</param>
/// <param name="Visibility">(B, T, N) bool or float.</param>
/// <param name="Valid">Optional (B, N) bool: false marks padding slots (clips keep different numbers of points; the
/// shorter ones are padded with invisible slots that enter neither Sinkhorn nor the loss). Null: every slot is real.</param>
public sealed record TrainBatch(Tensor Frames, Tensor Tracks, Tensor Visibility, Tensor? Valid = null) : IDisposable
{
    /// <summary>The reference's normalisation mean (RGB).</summary>
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];

    /// <summary>The reference's training normalisation std (RGB; 0.228, not 0.229, for red: docs/reference-code.md D13).</summary>
    public static readonly float[] Std = [0.228f, 0.224f, 0.225f];

    /// <summary>Disposes the three tensors.</summary>
    public void Dispose()
    {
        Frames.Dispose();
        Tracks.Dispose();
        Visibility.Dispose();
        Valid?.Dispose();
    }

    internal void Check()
    {
        if (Frames.dim() != 5 || Frames.shape[2] != 3)
            throw new ArgumentException($"frames must be (B, T, 3, H, W), got ({string.Join(", ", Frames.shape)})");
        long b = Frames.shape[0], t = Frames.shape[1];
        if (Tracks.dim() != 4 || Tracks.shape[0] != b || Tracks.shape[1] != t || Tracks.shape[3] != 2)
            throw new ArgumentException($"tracks must be ({b}, {t}, N, 2), got ({string.Join(", ", Tracks.shape)})");
        if (!Visibility.shape.SequenceEqual(Tracks.shape[..3]))
            throw new ArgumentException($"visibility must be ({string.Join(", ", Tracks.shape[..3])}), got ({string.Join(", ", Visibility.shape)})");
        if (Valid is not null && !Valid.shape.SequenceEqual(new[] { b, Tracks.shape[2] }))
            throw new ArgumentException($"valid must be ({b}, {Tracks.shape[2]}), got ({string.Join(", ", Valid.shape)})");
    }
}
