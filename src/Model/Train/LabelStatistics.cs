using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Train;

/// <summary>How the teacher's hard labels spread over the prototypes (the early warning for collapse) and how well
/// they stay on a track.</summary>
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

    /// <summary>
    /// Label statistics of one step's assignments <paramref name="q"/> [B, T, N, K]: entropy and prototypes used over
    /// the real points (<paramref name="valid"/> [B, N], null = all), and the label consistency: the share of
    /// (point, frame ≥ 1) pairs visible at that frame whose hard label equals the point's frame-0 label (NaN for
    /// single-frame clips). It measures what the loss asks the student to make true along the tracks.
    /// </summary>
    public static (double Entropy, int Used, double Consistency) Of(Tensor q, Tensor visibility, Tensor? valid)
    {
        using var scope = NewDisposeScope();
        Tensor labels = q.argmax(-1);
        long b = q.shape[0], t = q.shape[1], n = q.shape[2];
        Tensor real = valid is null ? ones(new[] { b, n }, ScalarType.Bool, q.device) : valid.to(ScalarType.Bool);
        var (entropy, used) = Of(labels.masked_select(real.unsqueeze(1).expand(b, t, n)), q.shape[^1]);
        if (t < 2) return (entropy, used, double.NaN);
        Tensor later = visibility.to(ScalarType.Bool).narrow(1, 1, t - 1).logical_and(real.unsqueeze(1));
        Tensor same = labels.narrow(1, 1, t - 1).eq(labels.narrow(1, 0, 1)).logical_and(later);
        double pairs = later.sum().item<long>();
        return (entropy, used, pairs == 0 ? double.NaN : same.sum().item<long>() / pairs);
    }
}
