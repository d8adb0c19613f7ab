using System.Text.Json;
using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// <c>tracker=&lt;id&gt;/_set.json</c>: the track set's fields in readable JSON, so a person (or a script) can tell
/// what a partition holds without our code. Written once, atomically; a later writer checks it agrees. Read through
/// the partition folder opened without following links, only as a regular file of at most
/// <see cref="CacheLimits.SetFileBytes"/>.
/// </summary>
internal static class TrackSetFile
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private sealed record Contents(string Id, string Tracker, string Queries, string Decode, string Sampler, string Canonical);

    /// <summary>Creates the partition folder and its <c>_set.json</c> if missing; throws if an existing one describes another set.</summary>
    /// <exception cref="UnsafeFileException">The partition folder or its <c>_set.json</c> is a link, a pipe or a device.</exception>
    public static async Task EnsureAsync(string dir, TrackSet set, CancellationToken ct)
    {
        string name = CacheLayout.PartitionPrefix + set.Id;
        string folder = CacheLayout.PartitionDir(dir, set.Id);
        string path = Path.Combine(folder, CacheLayout.SetFile);
        if (ConfinedFolder.TryOpen(dir, name) is not { } partition)
        {
            Directory.CreateDirectory(folder);
            DirectorySync.Flush(dir);
            partition = ConfinedFolder.TryOpen(dir, name) ?? throw new DirectoryNotFoundException($"{folder}: the partition folder vanished while being made");
        }

        using (partition)
        {
            if (partition.Status(CacheLayout.SetFile).Kind == FileKind.Missing)
            {
                var contents = new Contents(set.Id, set.Tracker, set.Queries, set.Decode, set.Sampler, set.Canonical);
                // A racing writer of the same set may win the rename; its file says the same.
                await AtomicFile.TryCreateAsync(path, JsonSerializer.SerializeToUtf8Bytes(contents, Json), ct).ConfigureAwait(false);
            }

            TrackSet? found = Parse(partition.ReadAll(CacheLayout.SetFile, CacheLimits.SetFileBytes));
            if (found is not null && found.Canonical != set.Canonical)
                throw new InvalidOperationException($"{path}: partition {set.Id} belongs to another track set (its canonical text differs from this one's); refusing to mix them");
        }
    }

    /// <summary>
    /// The set described by partition <paramref name="setId"/>'s <c>_set.json</c> under cache folder <paramref name="dir"/>,
    /// or null when it is missing, unreadable, not a regular file, or describes a set with another id.
    /// </summary>
    public static TrackSet? TryRead(string dir, string setId)
    {
        if (!CacheLayout.IsSetId(setId)) return null;
        try
        {
            using ConfinedFolder? partition = ConfinedFolder.TryOpen(dir, CacheLayout.PartitionPrefix + setId);
            TrackSet? set = partition is null ? null : Parse(partition.ReadAll(CacheLayout.SetFile, CacheLimits.SetFileBytes));
            return set?.Id == setId ? set : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static TrackSet? Parse(byte[] bytes)
    {
        try
        {
            Contents? c = JsonSerializer.Deserialize<Contents>(bytes, Json);
            return c is { Tracker: not null, Queries: not null, Decode: not null, Sampler: not null } ? new TrackSet(c.Tracker, c.Queries, c.Decode, c.Sampler) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
