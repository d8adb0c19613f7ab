namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// The trajectory cache: Hive-style Parquet partitions (<c>DIR/tracker=&lt;TrackSet.Id&gt;/part-&lt;hash&gt;.parquet</c>) that
/// DuckDB, pyarrow and pandas read without our code, and an append-only manifest (<c>DIR/_manifest/</c>) naming the
/// finished parts with their row counts, checksums and clip keys. Parts are written under a temporary name, flushed,
/// fsynced and renamed; the manifest entry is written last, the same way. Readers trust only parts a complete manifest
/// entry names and ignore temporary files, so a killed writer never shows a torn file. Concurrent writers cannot
/// collide: part names derive from their content and manifest entries are created exclusively.
/// </summary>
public sealed class TrajectoryCache
{
    private TrajectoryCache(string dir) => Dir = dir;

    /// <summary>The cache folder (absolute).</summary>
    public string Dir { get; }

    /// <summary>Opens (creating if needed) the cache at <paramref name="dir"/>.</summary>
    public static TrajectoryCache Open(string dir) => throw new NotImplementedException();

    /// <summary>The clip keys of <paramref name="set"/> that are finished (named by a complete manifest entry).</summary>
    public IReadOnlySet<string> FinishedClips(TrackSet set) => throw new NotImplementedException();

    /// <summary>Writes <paramref name="clips"/> as one part of <paramref name="set"/>'s partition, atomically, then records it in the manifest.</summary>
    public Task WriteAsync(TrackSet set, IReadOnlyList<CachedClip> clips, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>Every finished clip of <paramref name="set"/> (optionally only those of one video), read back from the parts.</summary>
    public IAsyncEnumerable<CachedClip> ReadAsync(TrackSet set, string? videoHash, CancellationToken ct) => throw new NotImplementedException();
}
