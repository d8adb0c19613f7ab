using System.Collections.Concurrent;
using System.Text.Json;
using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Storage.Identity;

/// <summary>
/// Remembers each video's content hash with the size and modification time it had, so a rerun over an unchanged
/// corpus does not read every byte again. Kept as one JSON file (<c>_identity.json</c> in the cache folder), rewritten
/// atomically by <see cref="SaveAsync"/>; a missing or unreadable file just means hashing again.
/// </summary>
public sealed class HashIndex
{
    /// <summary>File name of the index inside the cache folder (leading underscore: Hive readers skip it).</summary>
    public const string FileName = "_identity.json";

    private readonly string _path;
    private readonly ConcurrentDictionary<string, Entry> _entries;
    private int _hashed;

    private HashIndex(string path, ConcurrentDictionary<string, Entry> entries) => (_path, _entries) = (path, entries);

    /// <summary>Videos hashed from their bytes by this instance (the rest came from the index).</summary>
    public int Hashed => _hashed;

    /// <summary>Loads the index of the cache at <paramref name="cacheDir"/>.</summary>
    public static HashIndex Load(string cacheDir)
    {
        string path = Path.Combine(cacheDir, FileName);
        var entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(path) && JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllBytes(path)) is { } saved)
            {
                foreach (var (key, entry) in saved) entries[key] = entry;
            }
        }
        catch (JsonException)
        {
            // A torn or foreign file: the hashes are recomputed and the file rewritten.
        }

        return new HashIndex(path, entries);
    }

    /// <summary>The content hash of <paramref name="source"/>: from the index when its size and modification time are unchanged, else by reading it.</summary>
    public async Task<string> HashAsync(VideoSource source, CancellationToken ct)
    {
        var (bytes, modified, files) = ContentHash.Stamp(source);
        if (_entries.TryGetValue(source.Path, out Entry? known) && known.Bytes == bytes && known.ModifiedTicks == modified && known.Files == files)
            return known.Sha256;

        string hash = await ContentHash.ComputeAsync(source, ct).ConfigureAwait(false);
        _entries[source.Path] = new Entry(bytes, modified, files, hash);
        Interlocked.Increment(ref _hashed);
        return hash;
    }

    /// <summary>The path a video with content <paramref name="hash"/> was last hashed under, or null when the index never saw it (gc names removed videos by it).</summary>
    public string? LastPathOf(string hash) =>
        _entries.Where(e => e.Value.Sha256 == hash).Select(e => e.Key).Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Writes the index (temporary file, then rename).</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        string temp = $"{_path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            await JsonSerializer.SerializeAsync(stream, new SortedDictionary<string, Entry>(_entries, StringComparer.Ordinal), cancellationToken: ct).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
    }

    private sealed record Entry(long Bytes, long ModifiedTicks, int Files, string Sha256);
}
