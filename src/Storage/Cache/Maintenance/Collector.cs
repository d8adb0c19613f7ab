using MoSiC.Stream.Storage.Cache.Manifest;
using MoSiC.Stream.Storage.Cache.Parquet;

namespace MoSiC.Stream.Storage.Cache.Maintenance;

/// <summary>
/// gc: drops the clips of videos outside a keep set. A part whose clips all go is dropped; a part with some is
/// rewritten without them (a new part, written atomically like any other); then one snapshot records the result, and
/// only after it is durable are the old files deleted. A part that cannot be read is dropped whole (its clips are
/// recomputed later), never half-copied. Records naming paths that are not ours are left out of the snapshot (as
/// repair does) and reported; deletes go through <see cref="PartStore.TryDelete"/>, so only our regular files go.
/// </summary>
internal sealed class Collector(string dir, ManifestLog log, PartStore parts, Files.PartQuarantine quarantine, TrajectoryCacheOptions options)
{
    /// <summary>What <see cref="RunAsync"/> would remove from <paramref name="state"/> for <paramref name="keep"/>, from the manifest alone.</summary>
    public static CollectPlan Plan(CacheState state, IReadOnlySet<string> keep)
    {
        ClipRef[] clips = state.Parts.SelectMany(p => p.Clips).ToArray();
        CollectedVideo[] videos = state.Parts
            .SelectMany(p => p.Clips.Where(c => !keep.Contains(c.Video)).Select(c => (c.Video, c.Key, p.Partition)))
            .GroupBy(c => c.Video, StringComparer.Ordinal)
            .Select(g => new CollectedVideo(g.Key, g.Select(c => c.Key).Distinct().Count(), g.Select(c => c.Partition).Distinct().Order(StringComparer.Ordinal).ToArray()))
            .OrderBy(v => v.Hash, StringComparer.Ordinal).ToArray();
        PartRecord[] deleted = state.Parts.Where(p => p.Clips.All(c => !keep.Contains(c.Video))).ToArray();
        int rewritten = state.Parts.Count(p => p.Clips.Any(c => !keep.Contains(c.Video)) && p.Clips.Any(c => keep.Contains(c.Video)));
        return new CollectPlan(
            clips.Select(c => c.Key).Distinct().Count(), videos.Sum(v => v.Clips), videos, deleted.Length, rewritten, deleted.Sum(p => p.Bytes));
    }

    public async Task<CollectReport> RunAsync(IReadOnlySet<string> keep, CancellationToken ct)
    {
        CacheState state = CacheState.From(log.ReadAll(ct));
        var result = new List<PartRecord>();
        var retired = new List<PartRecord>();
        int rewritten = 0;
        foreach (PartRecord part in state.Parts)
        {
            int gone = part.Clips.Count(c => !keep.Contains(c.Video));
            if (gone == 0)
            {
                result.Add(part);
                continue;
            }

            retired.Add(part);
            if (gone == part.Clips.Count) continue;
            (List<CachedClip>? clips, CacheProblem? problem) = await parts.LoadAsync(part, ct).ConfigureAwait(false);
            if (problem is not null) continue;
            TrackSet set = TrackSetFile.TryRead(dir, part.Partition)
                ?? throw new InvalidOperationException($"{parts.PathOf(part)}: cannot rewrite the part: its partition's {CacheLayout.SetFile} is missing, unreadable or describes another partition");
            result.Add(await parts.WriteAsync(set, clips!.Where(c => keep.Contains(c.VideoHash)), ct, part.Samples).ConfigureAwait(false));
            rewritten++;
        }

        CacheProblem[] skipped = state.Unconfined.Select(p => new CacheProblem(CacheProblemKind.UnsafePath, log.Dir, CacheLayout.Unconfined(p.Partition, p.File)!)).ToArray();
        if (retired.Count == 0) return new CollectReport(0, 0, 0, 0) { Skipped = skipped };
        await Snapshots.WriteAsync(log, state, result, options.Clock, ct, state.Videos.Values.Where(v => keep.Contains(v.Video.VideoHash))).ConfigureAwait(false);

        // Delete only files the manifest no longer names: a writer may have re-added the same part since our read.
        var named = CacheState.From(log.ReadAll(ct)).Parts.Select(p => p.Id).ToHashSet();
        long freed = 0;
        foreach ((string partition, string file) in retired.Select(p => p.Id).Distinct().Where(id => !named.Contains(id)))
        {
            freed += parts.TryDelete(partition, file);
            quarantine.Lift(partition, file);
        }

        int removed = state.Parts.SelectMany(p => p.Clips).Where(c => !keep.Contains(c.Video)).Select(c => c.Key).Distinct().Count();
        return new CollectReport(removed, retired.Count - rewritten, rewritten, freed) { Skipped = skipped };
    }
}
