using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Storage.Cache.Manifest;
using MoSiC.Stream.Storage.Cache.Parquet;

namespace MoSiC.Stream.Storage.Cache.Maintenance;

/// <summary>
/// gc: drops the clips of videos outside a keep set. A part whose clips all go is dropped; a part with some is
/// rewritten without them (a new part, written atomically like any other); then one snapshot records the result, and
/// only after it is durable are the old files deleted. A part that cannot be read is dropped whole (its clips are
/// recomputed later), never half-copied.
/// </summary>
internal sealed class Collector(ManifestLog log, PartStore parts, TrajectoryCacheOptions options)
{
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
            TrackSet set = TrackSetFile.TryRead(Path.Combine(Path.GetDirectoryName(parts.PathOf(part))!, CacheLayout.SetFile))
                ?? throw new InvalidOperationException($"{parts.PathOf(part)}: cannot rewrite the part: its partition's {CacheLayout.SetFile} is missing or unreadable");
            result.Add(await parts.WriteAsync(set, clips!.Where(c => keep.Contains(c.VideoHash)), ct).ConfigureAwait(false));
            rewritten++;
        }

        if (retired.Count == 0) return new CollectReport(0, 0, 0, 0);
        await Snapshots.WriteAsync(log, state, result, options.Clock, ct, state.Videos.Values.Where(v => keep.Contains(v.Video.VideoHash))).ConfigureAwait(false);

        // Delete only files the manifest no longer names: a writer may have re-added the same part since our read.
        var named = CacheState.From(log.ReadAll(ct)).Parts.Select(parts.PathOf).ToHashSet(StringComparer.Ordinal);
        long freed = 0;
        foreach (string path in retired.Select(parts.PathOf).Distinct().Where(p => !named.Contains(p)))
        {
            freed += File.Exists(path) ? new FileInfo(path).Length : 0;
            AtomicFile.TryDelete(path);
        }

        int removed = state.Parts.SelectMany(p => p.Clips).Where(c => !keep.Contains(c.Video)).Select(c => c.Key).Distinct().Count();
        return new CollectReport(removed, retired.Count - rewritten, rewritten, freed);
    }
}
