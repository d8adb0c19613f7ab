using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Train;

/// <summary>How the teacher's hard labels spread over the prototypes: the early warning for collapse.</summary>
public static class LabelStatistics
{
    /// <summary>Entropy (nats) of the label histogram and the number of prototypes that occur.</summary>
    /// <param name="labels">Hard labels, any shape, int64.</param>
    /// <param name="prototypes">K.</param>
    public static (double Entropy, int Used) Of(Tensor labels, long prototypes)
    {
        using var scope = NewDisposeScope();
        Tensor counts = bincount(labels.reshape(-1).cpu(), minlength: prototypes).to(ScalarType.Float64);
        Tensor p = counts.div(counts.sum());
        Tensor nonzero = p.masked_select(p.gt(0));
        double entropy = nonzero.mul(nonzero.log()).sum().neg().item<double>();
        int used = (int)counts.gt(0).sum().item<long>();
        return (entropy, used);
    }
}
