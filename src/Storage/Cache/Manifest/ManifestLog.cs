using System.Collections.Concurrent;
using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Storage.Cache.Manifest;

/// <summary>
/// A manifest entry file as found on disk: its number and kind from the name, and its body, or why it has none.
/// <see cref="NotRegular"/> marks a name that is a link, pipe or device: never read, and never deleted.
/// </summary>
internal sealed record EntryFile(string Path, long Sequence, bool Snapshot, ManifestBody? Body, string Problem, bool NotRegular = false)
{
    public bool IsValid => Body is not null;

    /// <summary>The entry's file name (in the manifest folder).</summary>
    public string Name => System.IO.Path.GetFileName(Path);
}

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
            using ConfinedFolder? folder = Open();
            var entries = new List<EntryFile>();
            bool vanished = false;
            var listed = ListNames(folder).ToArray();
            foreach ((string name, long sequence, bool snapshot) in listed)
            {
                ct.ThrowIfCancellationRequested();
                string path = System.IO.Path.Combine(Dir, name);
                FileStatus status = folder!.Status(name);
                if (status.Kind == FileKind.Missing)
                {
                    vanished = true;
                    break;
                }

                if (status.Kind != FileKind.Regular)
                {
                    entries.Add(new EntryFile(path, sequence, snapshot, null, $"{ConfinedFolder.Describe(status.Kind)}, not a regular file: never read, never followed", NotRegular: true));
                    continue;
                }

                if (_parsed.TryGetValue(path, out var known) && known.Length == status.Size && known.Written == status.ModifiedUtc)
                {
                    entries.Add(known.Entry);
                    continue;
                }

                EntryFile entry;
                try
                {
                    entry = Parse(path, sequence, snapshot, folder.ReadAll(name, CacheLimits.EntryBytes));
                }
                catch (FileNotFoundException)
                {
                    vanished = true;
                    break;
                }
                catch (UnsafeFileException e)
                {
                    // Too large, or swapped for a link since the listing: never parsed.
                    entries.Add(new EntryFile(path, sequence, snapshot, null, e.Message, NotRegular: FileKinds.Of(path, followLinks: false) != FileKind.Regular));
                    continue;
                }

                _parsed[path] = (status.Size, status.ModifiedUtc, entry);
                entries.Add(entry);
            }

            if (vanished && attempt < 10) continue;
            var present = listed.Select(e => System.IO.Path.Combine(Dir, e.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (string gone in _parsed.Keys.Where(k => !present.Contains(k))) _parsed.TryRemove(gone, out _);
            return entries;
        }
    }

    /// <summary>Entry files (not temporaries) in number order.</summary>
    public IEnumerable<(string Path, long Sequence, bool Snapshot)> List()
    {
        using ConfinedFolder? folder = Open();
        return ListNames(folder).Select(e => (System.IO.Path.Combine(Dir, e.Name), e.Sequence, e.Snapshot)).ToArray();
    }

    /// <summary>Removes entry or temporary file <paramref name="name"/> if it is a regular file of the manifest folder (a link or pipe stays).</summary>
    public bool TryDelete(string name)
    {
        using ConfinedFolder? folder = Open();
        return folder?.TryDelete(name) ?? false;
    }

    /// <summary>The manifest folder, opened without following links; null when it does not exist yet.</summary>
    /// <exception cref="UnsafeFileException">It is a link or not a folder.</exception>
    public ConfinedFolder? Open() =>
        ConfinedFolder.TryOpen(System.IO.Path.GetDirectoryName(Dir)!, System.IO.Path.GetFileName(Dir));

    private static EntryFile Parse(string path, long sequence, bool snapshot, byte[] bytes)
    {
        ManifestBody? body = ManifestCodec.TryDecode(bytes, out string why);
        if (body is not null && (body.Sequence != sequence || body.Snapshot != snapshot))
        {
            why = $"names number {body.Sequence} ({(body.Snapshot ? "snapshot" : "delta")}) inside a file named for {sequence}";
            body = null;
        }

        return new EntryFile(path, sequence, snapshot, body, why);
    }

    private static IEnumerable<(string Name, long Sequence, bool Snapshot)> ListNames(ConfinedFolder? folder)
    {
        if (folder is null) return [];
        var found = new List<(string, long, bool)>();
        foreach (string name in folder.Names())
        {
            if (CacheLayout.TryParseEntryName(name, out long sequence, out bool snapshot)) found.Add((name, sequence, snapshot));
        }

        return found.OrderBy(e => e.Item2).ThenBy(e => e.Item3);
    }

    /// <summary>Names of temporary files (or anything else named like one) left in the manifest folder.</summary>
    public IReadOnlyList<string> TempNames()
    {
        using ConfinedFolder? folder = Open();
        return folder is null ? [] : folder.Names().Where(CacheLayout.IsTempName).ToArray();
    }

    private long HighestNumber() => List().Select(e => e.Sequence).DefaultIfEmpty(0).Max();
}
