namespace MoSiC.Stream.Synthetic;

internal static class RandomExtensions
{
    public static double Uniform(this Random rng, double min, double max) => min + (max - min) * rng.NextDouble();

    public static double Sign(this Random rng) => rng.Next(2) == 0 ? -1.0 : 1.0;
}
