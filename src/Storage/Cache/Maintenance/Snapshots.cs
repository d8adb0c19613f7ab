using MoSiC.Stream.Storage.Cache.Manifest;

namespace MoSiC.Stream.Storage.Cache.Maintenance;

/// <summary>
/// Writing a snapshot (what compaction, repair and gc end with) and pruning the entries it makes redundant. Callers
/// hold the maintenance lock; writers may still add deltas meanwhile, which the snapshot's gaps leave in force.
/// </summary>
internal static class Snapshots
{
    /// <summary>
    /// Writes a snapshot of <paramref name="parts"/> and <paramref name="videos"/> (default: every plan record
    /// <paramref name="state"/> holds), holding every delta <paramref name="state"/> saw.
    /// </summary>
    public static Task<ManifestBody> WriteAsync(ManifestLog log, CacheState state, IReadOnlyList<PartRecord> parts, TimeProvider clock, CancellationToken ct,
        IEnumerable<VideoRecord>? videos = null)
    {
        VideoRecord[] records = [.. videos ?? state.Videos.Values];
        long through = state.Through;
        IReadOnlyList<NumberRange> gaps = state.GapsForSnapshot();
        return log.AppendAsync(snapshot: true, n => new ManifestBody
        {
            Sequence = n,
            Snapshot = true,
            CreatedUtc = clock.GetUtcNow(),
            Writer = Writer,
            Through = through,
            Gaps = gaps,
            Parts = parts,
            Videos = records,
        }, ct);
    }

    /// <summary>
    /// Deletes entries that two valid snapshots both hold: older snapshots but the newest two, and deltas the second
    /// newest covers. The second newest stays so that a newest one damaged later still has a complete fallback.
    /// </summary>
    public static void Prune(ManifestLog log)
    {
        IReadOnlyList<EntryFile> entries = log.ReadAll();
        EntryFile[] snapshots = entries.Where(e => e.Snapshot && e.IsValid).OrderByDescending(e => e.Sequence).ToArray();
        if (snapshots.Length < 2) return;
        ManifestBody fallback = snapshots[1].Body!;
        foreach (EntryFile old in snapshots.Skip(2)) log.TryDelete(old.Name);
        foreach (EntryFile delta in entries.Where(e => !e.Snapshot && e.IsValid && fallback.Covers(e.Sequence))) log.TryDelete(delta.Name);
    }

    /// <summary>Who writes entries: host and process id, for post-mortems.</summary>
    public static string Writer => $"{Environment.MachineName}/{Environment.ProcessId}";
}
