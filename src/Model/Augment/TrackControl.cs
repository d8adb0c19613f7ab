using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Augment;

/// <summary>Ablations of the tracks the loss sees (<c>trainer.trackControl</c>): controls for "does following the true
/// trajectories matter".</summary>
public enum TrackControlKind
{
    /// <summary>The tracks as tracked.</summary>
    None,

    /// <summary>For frames ≥ 1, a permutation of the clip's points: each point's frame 0 is paired with another point's
    /// trajectory from frame 1 on, carrying that trajectory's visibility.</summary>
    Shuffle,

    /// <summary>Every frame at the frame-0 position (x_t = x_0); each point keeps its own visibility, so the number of
    /// supervised entries is the same as with the true tracks.</summary>
    Static,
}

/// <summary>Applies a <see cref="TrackControlKind"/> to one clip's augmented tracks.</summary>
public static class TrackControl
{
    /// <summary>
    /// Returns the controlled tracks as a new <see cref="AugmentedTracks"/> (<paramref name="tracks"/> stays its
    /// owner's; <see cref="TrackControlKind.None"/> gives a copy). Frame 0 never changes, so
    /// arms that differ only in the control see the same pixels, crops and frame-0 points.
    /// </summary>
    /// <param name="tracks">[T, M, 2] tracks and [T, M] visibility after augmentation.</param>
    /// <param name="kind">The ablation.</param>
    /// <param name="random">The clip's own control generator (drawn from for <see cref="TrackControlKind.Shuffle"/> only).</param>
    public static AugmentedTracks Apply(AugmentedTracks tracks, TrackControlKind kind, Random random)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        ArgumentNullException.ThrowIfNull(random);
        long t = tracks.Tracks.shape[0], m = tracks.Tracks.shape[1];
        if (kind == TrackControlKind.None || t < 2 || m == 0) return Copy(tracks);
        using var scope = NewDisposeScope();
        Tensor xy, vis = tracks.Visibility;
        if (kind == TrackControlKind.Static)
        {
            xy = tracks.Tracks.narrow(0, 0, 1).expand(t, m, 2);
        }
        else
        {
            long[] order = [.. Enumerable.Range(0, (int)m).Select(i => (long)i)];
            random.Shuffle(order);
            Tensor perm = tensor(order);
            xy = cat([tracks.Tracks.narrow(0, 0, 1), tracks.Tracks.narrow(0, 1, t - 1).index_select(1, perm)], 0);
            vis = cat([tracks.Visibility.narrow(0, 0, 1), tracks.Visibility.narrow(0, 1, t - 1).index_select(1, perm)], 0);
        }
        return new AugmentedTracks(xy.contiguous().MoveToOuterDisposeScope(), vis.clone().MoveToOuterDisposeScope(), tracks.SourceIndex.clone().MoveToOuterDisposeScope());
    }

    /// <summary>Parses the pipeline's <c>trainer.trackControl</c> value.</summary>
    public static TrackControlKind Parse(string value) => value switch
    {
        "none" => TrackControlKind.None,
        "shuffle" => TrackControlKind.Shuffle,
        "static" => TrackControlKind.Static,
        _ => throw new ArgumentException($"track control must be none, shuffle or static, got \"{value}\"", nameof(value)),
    };

    private static AugmentedTracks Copy(AugmentedTracks a) => new(a.Tracks.clone(), a.Visibility.clone(), a.SourceIndex.clone());
}
