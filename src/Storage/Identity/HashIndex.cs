using System.Collections.Concurrent;
using System.Text.Json;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Storage.Identity;

/// <summary>
/// Remembers each video's content hash with the size and modification time it had, so a rerun over an unchanged
/// corpus does not read every byte again. Kept as one JSON file (<c>_identity.json</c> in the cache folder), rewritten
/// atomically by <see cref="SaveAsync"/>; a missing or unreadable file just means hashing again. In a shared cache
/// anyone may write it, so it is read only as a regular file of at most <see cref="MaxBytes"/>, entries that are not
/// well-formed are dropped, and what it says is a hint: before a hinted hash is used, <see cref="ConfirmAsync"/>
/// checks the file's <see cref="ContentSample"/> against the sample recorded with that video's tracks, and hashes
/// the file in full (correcting the entry) when the two differ or no sample was recorded.
/// </summary>
public sealed class HashIndex
{
    /// <summary>File name of the index inside the cache folder (leading underscore: Hive readers skip it).</summary>
    public const string FileName = "_identity.json";

    /// <summary>The largest index read (about a million videos); a larger file is ignored, not loaded.</summary>
    public const long MaxBytes = 256L << 20;

    private readonly string _path;
    private readonly ConcurrentDictionary<string, Entry> _entries;
    private int _hashed, _confirmed, _corrected;
    private long _bytesHashed;

    private HashIndex(string path, ConcurrentDictionary<string, Entry> entries, string? problem) => (_path, _entries, Problem) = (path, entries, problem);

    /// <summary>Videos hashed from their bytes by this instance (the rest came from the index).</summary>
    public int Hashed => _hashed;

    /// <summary>Bytes read by the full hashes so far.</summary>
    public long BytesHashed => Interlocked.Read(ref _bytesHashed);

    /// <summary>Hints confirmed by their sample.</summary>
    public int Confirmed => _confirmed;

    /// <summary>Hints that were wrong: the file hashed to something else (changed under the same size and time, or a forged entry).</summary>
    public int Corrected => _corrected;

    /// <summary>Why the saved index was not used (a link, a pipe, too large, not JSON), or null; it is rewritten on save.</summary>
    public string? Problem { get; }

    /// <summary>Loads the index of the cache at <paramref name="cacheDir"/>.</summary>
    public static HashIndex Load(string cacheDir)
    {
        string path = Path.Combine(cacheDir, FileName);
        var entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        string? problem = null;
        try
        {
            using ConfinedFolder? folder = ConfinedFolder.TryOpen(cacheDir);
            if (folder is not null && folder.Status(FileName).Kind != FileKind.Missing
                && JsonSerializer.Deserialize<Dictionary<string, Entry>>(folder.ReadAll(FileName, MaxBytes)) is { } saved)
            {
                foreach (var (key, entry) in saved)
                {
                    if (entry is { Bytes: >= 0, Files: >= 0, Sha256.Length: 64 } && !entry.Sha256.AsSpan().ContainsAnyExcept("0123456789abcdef")) entries[key] = entry;
                }
            }
        }
        catch (JsonException e)
        {
            // A torn or foreign file: the hashes are recomputed and the file rewritten.
            problem = $"{path}: not a hash index ({e.Message}); every video is hashed again";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{e.Message}; every video is hashed again";
        }

        return new HashIndex(path, entries, problem);
    }

    /// <summary>
    /// The content hash of <paramref name="source"/>: from the index when its size and modification time are unchanged
    /// (<c>Hinted</c>: to be confirmed before use), else by reading it (then it is certain).
    /// </summary>
    public async Task<(string Hash, bool Hinted)> LookUpAsync(VideoSource source, CancellationToken ct)
    {
        var (bytes, modified, files) = ContentHash.Stamp(source);
        if (_entries.TryGetValue(source.Path, out Entry? known) && known.Bytes == bytes && known.ModifiedTicks == modified && known.Files == files)
            return (known.Sha256, true);
        return (await HashFullyAsync(source, ct).ConfigureAwait(false), false);
    }

    /// <summary>
    /// The hash of <paramref name="source"/>, confirmed: <paramref name="hint"/> when the file's <paramref name="sample"/>
    /// equals the <paramref name="recorded"/> sample of the video the hint names; otherwise the file is hashed in full and
    /// the index entry replaced with what it hashes to (so a forged or stale entry does not outlive the run).
    /// </summary>
    public async Task<string> ConfirmAsync(VideoSource source, string hint, string sample, string? recorded, CancellationToken ct)
    {
        if (recorded is not null && recorded == sample)
        {
            Interlocked.Increment(ref _confirmed);
            return hint;
        }

        string hash = await HashFullyAsync(source, ct).ConfigureAwait(false);
        if (hash != hint) Interlocked.Increment(ref _corrected);
        return hash;
    }

    /// <summary>
    /// Look-up and confirmation in one (for commands that take one video or a whole corpus without a shard):
    /// <paramref name="recorded"/> gives the sample recorded with a video hash's tracks, or null.
    /// </summary>
    public async Task<string> HashAsync(VideoSource source, Func<string, string?> recorded, CancellationToken ct)
    {
        (string hash, bool hinted) = await LookUpAsync(source, ct).ConfigureAwait(false);
        return hinted ? await ConfirmAsync(source, hash, await ContentSample.ComputeAsync(source, ct).ConfigureAwait(false), recorded(hash), ct).ConfigureAwait(false) : hash;
    }

    private async Task<string> HashFullyAsync(VideoSource source, CancellationToken ct)
    {
        var (bytes, modified, files) = ContentHash.Stamp(source);
        string hash = await ContentHash.ComputeAsync(source, ct).ConfigureAwait(false);
        _entries[source.Path] = new Entry(bytes, modified, files, hash);
        Interlocked.Increment(ref _hashed);
        Interlocked.Add(ref _bytesHashed, bytes);
        return hash;
    }

    /// <summary>The path a video with content <paramref name="hash"/> was last hashed under, or null when the index never saw it (gc names removed videos by it).</summary>
    public string? LastPathOf(string hash) =>
        _entries.Where(e => e.Value.Sha256 == hash).Select(e => e.Key).Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Writes the index atomically (a rename replaces whatever had the name, a link included, without following it).</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        var sorted = new SortedDictionary<string, Entry>(_entries, StringComparer.Ordinal);
        await AtomicFile.WriteAsync(_path, JsonSerializer.SerializeToUtf8Bytes(sorted), ct).ConfigureAwait(false);
    }

    private sealed record Entry(long Bytes, long ModifiedTicks, int Files, string Sha256);
}
