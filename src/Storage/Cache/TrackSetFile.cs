using System.Text.Json;
using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// <c>tracker=&lt;id&gt;/_set.json</c>: the track set's fields in readable JSON, so a person (or a script) can tell
/// what a partition holds without our code. Written once, atomically; a later writer checks it agrees.
/// </summary>
internal static class TrackSetFile
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private sealed record Contents(string Id, string Tracker, string Queries, string Decode, string Sampler, string Canonical);

    /// <summary>Creates the partition folder and its <c>_set.json</c> if missing; throws if an existing one describes another set.</summary>
    public static async Task EnsureAsync(string dir, TrackSet set, CancellationToken ct)
    {
        string folder = CacheLayout.PartitionDir(dir, set.Id);
        string path = Path.Combine(folder, CacheLayout.SetFile);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(folder);
            DirectorySync.Flush(dir);
            var contents = new Contents(set.Id, set.Tracker, set.Queries, set.Decode, set.Sampler, set.Canonical);
            // A racing writer of the same set may win the rename; its file says the same.
            await AtomicFile.TryCreateAsync(path, JsonSerializer.SerializeToUtf8Bytes(contents, Json), ct).ConfigureAwait(false);
        }

        TrackSet? found = TryRead(path);
        if (found is not null && found.Canonical != set.Canonical)
            throw new InvalidOperationException($"{path}: partition {set.Id} belongs to another track set (its canonical text differs from this one's); refusing to mix them");
    }

    /// <summary>The set described by <paramref name="path"/>, or null when it is missing or unreadable.</summary>
    public static TrackSet? TryRead(string path)
    {
        try
        {
            Contents? c = JsonSerializer.Deserialize<Contents>(File.ReadAllBytes(path), Json);
            return c is null ? null : new TrackSet(c.Tracker, c.Queries, c.Decode, c.Sampler);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
