namespace MoSiC.Stream.Stages.Track;

/// <summary>
/// A point tracker: one instance serves many batches. Implementations hold their model or native state
/// until disposed, are safe to call from one caller at a time, and return results that depend only on
/// the clip, never on the other clips of its batch.
/// </summary>
public interface IPointTracker : IAsyncDisposable
{
    /// <summary>Name, version and settings: the part of a cache key that says which tracker made a track.</summary>
    TrackerIdentity Identity { get; }

    /// <summary>Tracks the queries through every clip of the batch.</summary>
    ValueTask<TrackResult> TrackAsync(ClipBatch batch, QuerySpec queries, CancellationToken ct);
}

/// <summary>
/// Which tracker made a track: its name, an integer version bumped whenever its output changes for the same
/// input, and every setting that changes output, in a fixed order.
/// </summary>
public sealed record TrackerIdentity(string Name, int Version, IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    /// <summary>Stable text form, e.g. <c>lk/v1?window=21&amp;levels=3</c>; cache keys hash this.</summary>
    public string Key => Settings.Count == 0
        ? $"{Name}/v{Version}"
        : $"{Name}/v{Version}?{string.Join('&', Settings.Select(s => $"{s.Key}={s.Value}"))}";

    public override string ToString() => Key;
}
