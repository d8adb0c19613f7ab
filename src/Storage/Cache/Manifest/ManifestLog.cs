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
            if (await Files.AtomicFile.TryCreateAsync(path, ManifestCodec.Encode(body), ct).ConfigureAwait(false)) return body;
            // Another writer took this number between our listing and our rename: try the one after it.
            next = Math.Max(next + 1, HighestNumber() + 1);
        }
    }

    /// <summary>
    /// Every entry file, in number order (snapshots after deltas of the same number), parsed and checked. Synchronous:
    /// entries are a few KB each and <c>FinishedClips</c> and <c>List</c> are synchronous by contract.
    /// </summary>
    public IReadOnlyList<EntryFile> ReadAll(CancellationToken ct = default)
    {
        // Compaction deletes entries a newer snapshot holds; a listing taken before that snapshot existed and read
        // after the deletion would miss parts. An entry vanishing under us is the sign: list again.
        for (int attempt = 0; ; attempt++)
        {
            var entries = new List<EntryFile>();
            bool vanished = false;
            foreach ((string path, long sequence, bool snapshot) in List())
            {
                byte[] bytes;
                try
                {
                    ct.ThrowIfCancellationRequested();
                    bytes = File.ReadAllBytes(path);
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

                entries.Add(new EntryFile(path, sequence, snapshot, body, why));
            }

            if (!vanished || attempt >= 10) return entries;
        }
    }

    /// <summary>Entry files (not temporaries) in number order.</summary>
    public IEnumerable<(string Path, long Sequence, bool Snapshot)> List()
    {
        if (!Directory.Exists(Dir)) return [];
        var found = new List<(string, long, bool)>();
        foreach (string path in Directory.EnumerateFiles(Dir))
        {
            if (CacheLayout.TryParseEntryName(System.IO.Path.GetFileName(path), out long sequence, out bool snapshot)) found.Add((path, sequence, snapshot));
        }

        return found.OrderBy(e => e.Item2).ThenBy(e => e.Item3);
    }

    /// <summary>Temporary files left in the manifest folder.</summary>
    public IEnumerable<string> TempFiles() =>
        Directory.Exists(Dir) ? Directory.EnumerateFiles(Dir).Where(p => CacheLayout.IsTempName(System.IO.Path.GetFileName(p))) : [];

    private long HighestNumber() => List().Select(e => e.Sequence).DefaultIfEmpty(0).Max();
}
