using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Storage.Cache.Manifest;
using MoSiC.Stream.Storage.Cache.Parquet;

namespace MoSiC.Stream.Storage.Cache.Maintenance;

/// <summary>
/// verify [--repair]: checks every live part (present, recorded size and SHA-256, readable, holding the listed clips),
/// finds torn manifest entries, stale temporary files and parts no entry names. Repair drops broken parts from a new
/// snapshot (their clips count as unfinished, so the next run recomputes them) and then deletes the broken, stray
/// and orphan files and the torn entries, in that order, so a crash midway leaves nothing a reader would trust wrongly.
/// </summary>
internal sealed class Verifier(string dir, ManifestLog log, PartStore parts, TrajectoryCacheOptions options)
{
    public async Task<VerifyReport> RunAsync(bool repair, CancellationToken ct)
    {
        CacheState state = CacheState.From(log.ReadAll(ct));
        var problems = new List<CacheProblem>();
        foreach (EntryFile torn in state.Entries.Where(e => !e.IsValid))
            problems.Add(new CacheProblem(CacheProblemKind.TornEntry, torn.Path, $"ignored: {torn.Problem}"));

        var broken = new HashSet<(string, string)>();
        foreach (PartRecord part in state.Parts)
        {
            (_, CacheProblem? problem) = await parts.LoadAsync(part, ct).ConfigureAwait(false);
            if (problem is null) continue;
            problems.Add(problem);
            broken.Add(part.Id);
        }

        var live = state.Parts.Select(p => parts.PathOf(p)).ToHashSet(StringComparer.Ordinal);
        var stray = new List<CacheProblem>();
        foreach (string partition in Directory.Exists(dir) ? Directory.EnumerateDirectories(dir) : [])
        {
            if (CacheLayout.SetIdOf(Path.GetFileName(partition)) is null) continue;
            foreach (string file in Directory.EnumerateFiles(partition))
            {
                string name = Path.GetFileName(file);
                if (CacheLayout.IsTempName(name) && IsStale(file))
                    stray.Add(new CacheProblem(CacheProblemKind.StrayTemp, file, "temporary file of an interrupted write"));
                else if (CacheLayout.IsPartName(name) && !live.Contains(file) && IsStale(file))
                    stray.Add(new CacheProblem(CacheProblemKind.OrphanPart, file, "no manifest entry names this part (its writer stopped before the entry)"));
            }
        }

        stray.AddRange(log.TempFiles().Where(IsStale).Select(f => new CacheProblem(CacheProblemKind.StrayTemp, f, "temporary file of an interrupted manifest write")));
        problems.AddRange(stray);
        int lost = state.Parts.Where(p => broken.Contains(p.Id)).SelectMany(p => p.Clips).Select(c => c.Key).Distinct()
            .Except(state.Parts.Where(p => !broken.Contains(p.Id)).SelectMany(p => p.Clips).Select(c => c.Key)).Count();
        if (!repair || problems.Count == 0) return new VerifyReport(problems, [], state.Parts.Count, lost);

        if (broken.Count > 0 || state.Entries.Any(e => !e.IsValid))
        {
            // The new snapshot first: once it is durable no reader trusts the broken parts, so deleting them is safe.
            await Snapshots.WriteAsync(log, state, state.Parts.Where(p => !broken.Contains(p.Id)).ToArray(), options.Clock, ct).ConfigureAwait(false);
        }

        foreach (CacheProblem p in problems)
        {
            if (p.Kind != CacheProblemKind.PartMissing) AtomicFile.TryDelete(p.Path);
        }

        DirectorySync.Flush(log.Dir);
        return new VerifyReport(problems, problems, state.Parts.Count, lost);
    }

    private bool IsStale(string file) => options.Clock.GetUtcNow() - File.GetLastWriteTimeUtc(file) >= options.StaleAfter;
}
