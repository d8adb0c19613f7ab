using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Storage.Cache.Manifest;
using MoSiC.Stream.Storage.Cache.Parquet;

namespace MoSiC.Stream.Storage.Cache.Maintenance;

/// <summary>
/// verify [--repair]: checks every live part (present, recorded size and SHA-256, readable, holding the listed clips),
/// finds torn manifest entries, records naming paths that are not ours, stale temporary files, parts no entry names
/// and links or pipes where our files should be. Repair drops broken and foreign records from a new snapshot (their
/// clips count as unfinished, so the next run recomputes them) and then deletes the broken, stray and orphan files and
/// the torn entries, in that order, so a crash midway leaves nothing a reader would trust wrongly. It deletes only
/// regular files with our names directly in a partition or the manifest folder; a record naming anything else is
/// dropped from the manifest and nothing on the disk is touched.
/// </summary>
internal sealed class Verifier(string dir, ManifestLog log, PartStore parts, TrajectoryCacheOptions options)
{
    public async Task<VerifyReport> RunAsync(bool repair, CancellationToken ct)
    {
        CacheState state = CacheState.From(log.ReadAll(ct));
        var problems = new List<CacheProblem>();
        // What repair does about each problem it can fix: drop (nothing to delete), or delete a file of ours.
        var fixes = new List<(CacheProblem Problem, Action Fix)>();
        void Found(CacheProblem problem, Action? fix)
        {
            problems.Add(problem);
            if (fix is not null) fixes.Add((problem, fix));
        }

        foreach (EntryFile bad in state.Entries.Where(e => !e.IsValid))
        {
            if (bad.NotRegular) Found(new CacheProblem(CacheProblemKind.NotRegularFile, bad.Path, $"a manifest entry that is {bad.Problem}; ignored, left for you to look at and remove"), null);
            else Found(new CacheProblem(CacheProblemKind.TornEntry, bad.Path, $"ignored: {bad.Problem}"), () => log.TryDelete(bad.Name));
        }

        foreach (PartRecord foreign in state.Unconfined)
            Found(new CacheProblem(CacheProblemKind.UnsafePath, log.Dir, CacheLayout.Unconfined(foreign.Partition, foreign.File)!), () => { });

        var broken = new HashSet<(string, string)>();
        foreach (PartRecord part in state.Parts)
        {
            (_, CacheProblem? problem) = await parts.LoadAsync(part, ct).ConfigureAwait(false);
            if (problem is null) continue;
            broken.Add(part.Id);
            Found(problem, problem.Kind is CacheProblemKind.PartMissing or CacheProblemKind.NotRegularFile or CacheProblemKind.UnsafePath
                ? () => { } // dropped from the manifest; nothing of ours to delete
                : () => parts.TryDelete(part.Partition, part.File));
        }

        var live = state.Parts.Select(p => p.Id).ToHashSet();
        using (ConfinedFolder root = ConfinedFolder.TryOpen(dir) ?? throw new DirectoryNotFoundException($"{dir}: the cache folder is gone"))
        {
            // The lock and the hash index are opened by name: a link or pipe there is reported (they refuse it too).
            foreach (string name in new[] { CacheLayout.LockFile, Identity.HashIndex.FileName })
            {
                FileKind kind = root.Status(name).Kind;
                if (kind is not (FileKind.Missing or FileKind.Regular)) Found(PartStore.NotRegular(Path.Combine(dir, name), kind), null);
            }

            foreach (string folderName in root.Names().Order(StringComparer.Ordinal))
            {
                if (CacheLayout.SetIdOf(folderName) is not { } setId || !CacheLayout.IsSetId(setId)) continue;
                ScanPartition(root, folderName, setId, live, Found);
            }
        }

        using (ConfinedFolder? manifest = log.Open())
        {
            foreach (string name in log.TempNames())
            {
                FileStatus status = manifest!.Status(name);
                string path = Path.Combine(log.Dir, name);
                if (status.Kind is FileKind.Missing) continue;
                if (status.Kind != FileKind.Regular) Found(PartStore.NotRegular(path, status.Kind), null);
                else if (IsStale(status)) Found(new CacheProblem(CacheProblemKind.StrayTemp, path, "temporary file of an interrupted manifest write"), () => log.TryDelete(name));
            }
        }

        int lost = state.Parts.Where(p => broken.Contains(p.Id)).SelectMany(p => p.Clips).Select(c => c.Key).Distinct()
            .Except(state.Parts.Where(p => !broken.Contains(p.Id)).SelectMany(p => p.Clips).Select(c => c.Key)).Count();
        if (!repair || problems.Count == 0) return new VerifyReport(problems, [], state.Parts.Count, lost);

        if (broken.Count > 0 || state.Unconfined.Count > 0 || state.Entries.Any(e => !e.IsValid))
        {
            // The new snapshot first: once it is durable no reader trusts the broken parts, so deleting them is safe.
            // Records whose names are not ours are not in state.Parts: the snapshot leaves them out.
            await Snapshots.WriteAsync(log, state, state.Parts.Where(p => !broken.Contains(p.Id)).ToArray(), options.Clock, ct).ConfigureAwait(false);
        }

        foreach ((_, Action fix) in fixes) fix();
        DirectorySync.Flush(log.Dir);
        return new VerifyReport(problems, fixes.Select(f => f.Problem).ToArray(), state.Parts.Count, lost);
    }

    // Stray temporaries and orphans of one partition folder; a link in the folder's place is reported, never entered.
    private void ScanPartition(ConfinedFolder root, string folderName, string setId, HashSet<(string, string)> live, Action<CacheProblem, Action?> found)
    {
        string folderPath = Path.Combine(dir, folderName);
        FileKind kind = root.Status(folderName).Kind;
        if (kind != FileKind.Directory)
        {
            if (kind != FileKind.Missing) found(PartStore.NotRegular(folderPath, kind), null);
            return;
        }

        using ConfinedFolder? partition = ConfinedFolder.TryOpen(dir, folderName);
        if (partition is null) return;
        foreach (string name in partition.Names())
        {
            bool temp = CacheLayout.IsTempName(name), part = CacheLayout.IsPartName(name);
            if (!temp && !part && name != CacheLayout.SetFile) continue;
            FileStatus status = partition.Status(name);
            string path = Path.Combine(folderPath, name);
            if (status.Kind == FileKind.Missing) continue;
            if (status.Kind != FileKind.Regular)
            {
                // Ours are never anything but regular files; a manifest-named one is reported by its record already.
                if (!live.Contains((setId, name))) found(PartStore.NotRegular(path, status.Kind), null);
                continue;
            }

            if (temp && IsStale(status))
                found(new CacheProblem(CacheProblemKind.StrayTemp, path, "temporary file of an interrupted write"), () => parts.TryDelete(setId, name));
            else if (part && !live.Contains((setId, name)) && IsStale(status))
                found(new CacheProblem(CacheProblemKind.OrphanPart, path, "no manifest entry names this part (its writer stopped before the entry)"), () => parts.TryDelete(setId, name));
        }
    }

    private bool IsStale(FileStatus file) => options.Clock.GetUtcNow() - file.ModifiedUtc >= options.StaleAfter;
}
