namespace MoSiC.Stream.Graph.Replay;

/// <summary>
/// Counter-based randomness for the data: the clip order of an epoch and the augmentation of a clip are functions of
/// (seed, epoch[, slot]) alone, so a resumed run replays them without any saved generator state.
/// </summary>
public static class DataOrder
{
    /// <summary>A permutation of 0 … <paramref name="count"/> − 1 for <paramref name="epoch"/> (Fisher–Yates).</summary>
    public static int[] Shuffle(int count, int seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var random = new Random(Derive(seed, epoch, -1));
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>The generator of the augmentation of the clip at position <paramref name="slot"/> of <paramref name="epoch"/>.</summary>
    public static Random ForClip(int seed, int epoch, int slot) => new(Derive(seed, epoch, slot));

    /// <summary>
    /// The generator of the track ablation (<c>trainer.trackControl</c>) of the clip at <paramref name="slot"/>: a
    /// stream of its own, so drawing from it leaves the augmentation (<see cref="ForClip"/>) untouched.
    /// </summary>
    public static Random ForTrackControl(int seed, int epoch, int slot) => new(Derive(seed, epoch, slot, TrackControlStream));

    private const ulong TrackControlStream = 1;

    // SplitMix64 finaliser over the packed inputs: stable across processes (unlike HashCode) and well mixed. Stream 0
    // is the original packing, so existing orders and augmentations are unchanged.
    private static int Derive(int seed, int epoch, int slot, ulong stream = 0)
    {
        ulong z = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)epoch << 20) ^ (uint)slot ^ (stream * 0xD1B54A32D192ED03);
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }
}
