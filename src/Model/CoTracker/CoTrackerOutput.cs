using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// Result of <see cref="CoTrackerThreeOffline.Track"/>: tracks in model-input pixels and sigmoid probabilities, plus,
/// when asked for, every iteration's values (for parity tests and training). Owns its tensors.
/// </summary>
public sealed class CoTrackerOutput : IDisposable
{
    /// <summary>Creates the result; takes ownership of every tensor.</summary>
    /// <param name="coords">Tracks [B, T, N, 2] (x, y) in pixels of the model input.</param>
    /// <param name="vis">Visibility probabilities [B, T, N].</param>
    /// <param name="conf">Confidence probabilities [B, T, N].</param>
    /// <param name="coordsIters">Tracks after each iteration (empty unless recorded).</param>
    /// <param name="visLogitsIters">Visibility logits after each iteration (empty unless recorded).</param>
    /// <param name="confLogitsIters">Confidence logits after each iteration (empty unless recorded).</param>
    public CoTrackerOutput(Tensor coords, Tensor vis, Tensor conf, IReadOnlyList<Tensor> coordsIters,
        IReadOnlyList<Tensor> visLogitsIters, IReadOnlyList<Tensor> confLogitsIters)
    {
        Coords = coords;
        Vis = vis;
        Conf = conf;
        CoordsIters = coordsIters;
        VisLogitsIters = visLogitsIters;
        ConfLogitsIters = confLogitsIters;
    }

    /// <summary>Tracks [B, T, N, 2] (x, y) in pixels of the model input.</summary>
    public Tensor Coords { get; }

    /// <summary>Visibility probabilities [B, T, N].</summary>
    public Tensor Vis { get; }

    /// <summary>Confidence probabilities [B, T, N].</summary>
    public Tensor Conf { get; }

    /// <summary>Tracks after each iteration, pixels (empty unless recorded).</summary>
    public IReadOnlyList<Tensor> CoordsIters { get; }

    /// <summary>Visibility logits after each iteration (empty unless recorded).</summary>
    public IReadOnlyList<Tensor> VisLogitsIters { get; }

    /// <summary>Confidence logits after each iteration (empty unless recorded).</summary>
    public IReadOnlyList<Tensor> ConfLogitsIters { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        Coords.Dispose();
        Vis.Dispose();
        Conf.Dispose();
        foreach (var t in CoordsIters.Concat(VisLogitsIters).Concat(ConfLogitsIters))
            t.Dispose();
    }
}
