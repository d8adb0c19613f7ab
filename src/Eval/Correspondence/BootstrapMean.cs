namespace MoSiC.Stream.Eval.Correspondence;

/// <summary>A mean over units (videos) with a percentile bootstrap interval.</summary>
/// <param name="Mean">Mean of the values.</param>
/// <param name="Low">2.5th percentile of the resampled means.</param>
/// <param name="High">97.5th percentile of the resampled means.</param>
/// <param name="Count">Number of values.</param>
public sealed record BootstrapMean(double Mean, double Low, double High, int Count)
{
    /// <summary>
    /// Mean of <paramref name="values"/> (NaN ones left out) and the 95% percentile bootstrap interval of it: the values
    /// resampled with replacement <paramref name="resamples"/> times from a generator seeded by <paramref name="seed"/>.
    /// </summary>
    public static BootstrapMean Of(IEnumerable<double> values, int resamples = 1000, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] v = [.. values.Where(double.IsFinite)];
        if (v.Length == 0) return new BootstrapMean(double.NaN, double.NaN, double.NaN, 0);
        var random = new Random(seed);
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < v.Length; i++) sum += v[random.Next(v.Length)];
            means[r] = sum / v.Length;
        }
        Array.Sort(means);
        return new BootstrapMean(v.Average(), Percentile(means, 0.025), Percentile(means, 0.975), v.Length);
    }

    // Linear interpolation between order statistics (numpy's default).
    private static double Percentile(double[] sorted, double q)
    {
        double at = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(at), hi = Math.Min(sorted.Length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }
}
