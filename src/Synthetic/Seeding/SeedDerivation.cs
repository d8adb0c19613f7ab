namespace MoSiC.Stream.Synthetic;

/// <summary>Child seeds (per video, per random stream), so videos do not depend on render order or parallelism.</summary>
internal static class SeedDerivation
{
    public static int Derive(int seed, int index)
    {
        // SplitMix64 finaliser: neighbouring (seed, index) pairs give unrelated streams.
        ulong z = ((ulong)(uint)seed << 32) ^ (uint)index;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFF_FFFF);
    }
}
