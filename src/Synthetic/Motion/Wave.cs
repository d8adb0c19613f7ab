namespace MoSiC.Stream.Synthetic;

/// <summary>A sinusoid over frame numbers: smooth, bounded, and with no drift of its own.</summary>
internal readonly record struct Wave(double Amplitude, double Period, double Phase)
{
    public static Wave None => new(0, 1, 0);

    public double At(int frame) => Amplitude * Math.Sin(2 * Math.PI * frame / Period + Phase);

    /// <summary>A wave with random phase and a period of 0.8–1.6 times <paramref name="span"/> frames.</summary>
    public static Wave Random(Random rng, double amplitude, double span) =>
        new(amplitude, span * rng.Uniform(0.8, 1.6), rng.NextDouble() * 2 * Math.PI);
}
