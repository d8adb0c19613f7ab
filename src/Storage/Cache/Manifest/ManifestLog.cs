using System.Collections.Concurrent;
using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Storage.Cache.Manifest;

/// <summary>A manifest entry file as found on disk: its number and kind from the name, and its body, or why it has none.</summary>
internal sealed record EntryFile(string Path, long Sequence, bool Snapshot, ManifestBody? Body, string Problem)
{
    public bool IsValid => Body is not null;
}

/// <summary>
/// The numbered entries of <c>DIR/_manifest/</c>: appending one (exclusively: a number is taken by the first rename
/// onto it, a loser takes the next) and reading them all back.
/// </summary>
internal sealed class ManifestLog(string dir)
{
    private readonly ConcurrentDictionary<string, (long Length, DateTime Written, EntryFile Entry)> _parsed = new(StringComparer.Ordinal);

    /// <summary>The manifest folder.</summary>
    public string Dir { get; } = dir;

    /// <summary>Writes <paramref name="build"/>(number) as the next free entry number; returns the body written.</summary>
    public async Task<ManifestBody> AppendAsync(bool snapshot, Func<long, ManifestBody> build, CancellationToken ct)
    {
        Directory.CreateDirectory(Dir);
        long next = HighestNumber() + 1;
        while (true)
        {
            ManifestBody body = build(next);
            string path = System.IO.Path.Combine(Dir, CacheLayout.EntryName(next, snapshot));
            if (await AtomicFile.TryCreateAsync(path, ManifestCodec.Encode(body), ct).ConfigureAwait(false)) return body;
            // Another writer took this number between our listing and our rename: try the one after it.
            next = Math.Max(next + 1, HighestNumber() + 1);
        }
    }

    /// <summary>
    /// Every entry file, in number order (snapshots after deltas of the same number), parsed and checked. Synchronous:
    /// entries are a few KB each and <c>FinishedClips</c> and <c>List</c> are synchronous by contract. An entry is
    /// parsed once per instance: entries are created whole and never changed, so a file with the same length and write
    /// time as before is the same entry (one changed behind our back differs in both and is parsed again).
    /// </summary>
    public IReadOnlyList<EntryFile> ReadAll(CancellationToken ct = default)
    {
        // Compaction deletes entries a newer snapshot holds; a listing taken before that snapshot existed and read
        // after the deletion would miss parts. An entry vanishing under us is the sign: list again.
        for (int attempt = 0; ; attempt++)
        {
            var entries = new List<EntryFile>();
            bool vanished = false;
            var listed = ListFiles().ToArray();
            foreach ((FileInfo file, long sequence, bool snapshot) in listed)
            {
                ct.ThrowIfCancellationRequested();
                if (_parsed.TryGetValue(file.FullName, out var known) && known.Length == file.Length && known.Written == file.LastWriteTimeUtc)
                {
                    entries.Add(known.Entry);
                    continue;
                }

                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(file.FullName);
                }
                catch (FileNotFoundException)
                {
                    vanished = true;
                    break;
                }

                ManifestBody? body = ManifestCodec.TryDecode(bytes, out string why);
                if (body is not null && (body.Sequence != sequence || body.Snapshot != snapshot))
                {
                    why = $"names number {body.Sequence} ({(body.Snapshot ? "snapshot" : "delta")}) inside a file named for {sequence}";
                    body = null;
                }

                var entry = new EntryFile(file.FullName, sequence, snapshot, body, why);
                _parsed[file.FullName] = (bytes.LongLength, file.LastWriteTimeUtc, entry);
                entries.Add(entry);
            }

            if (vanished && attempt < 10) continue;
            var present = listed.Select(e => e.File.FullName).ToHashSet(StringComparer.Ordinal);
            foreach (string gone in _parsed.Keys.Where(k => !present.Contains(k))) _parsed.TryRemove(gone, out _);
            return entries;
        }
    }

    /// <summary>Entry files (not temporaries) in number order.</summary>
    public IEnumerable<(string Path, long Sequence, bool Snapshot)> List() => ListFiles().Select(e => (e.File.FullName, e.Sequence, e.Snapshot));

    private IEnumerable<(FileInfo File, long Sequence, bool Snapshot)> ListFiles()
    {
        var dir = new DirectoryInfo(Dir);
        if (!dir.Exists) return [];
        var found = new List<(FileInfo, long, bool)>();
        foreach (FileInfo file in dir.EnumerateFiles())
        {
            if (CacheLayout.TryParseEntryName(file.Name, out long sequence, out bool snapshot)) found.Add((file, sequence, snapshot));
        }

        return found.OrderBy(e => e.Item2).ThenBy(e => e.Item3);
    }

    /// <summary>Temporary files left in the manifest folder.</summary>
    public IEnumerable<string> TempFiles() =>
        Directory.Exists(Dir) ? Directory.EnumerateFiles(Dir).Where(p => CacheLayout.IsTempName(System.IO.Path.GetFileName(p))) : [];

    private long HighestNumber() => List().Select(e => e.Sequence).DefaultIfEmpty(0).Max();
}
