using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;

namespace MoSiC.Stream.Runner.CacheTools;

/// <summary>
/// How much of a pipeline's corpus has tracks in its partition of the cache: what <c>cache ls --expect-corpus</c>
/// checks after a sharded track job, so a missing shard fails the job instead of a later train run going ahead on a
/// partial cache.
/// </summary>
/// <param name="Partition">The pipeline's track set id.</param>
/// <param name="Videos">Distinct corpus videos (by content).</param>
/// <param name="WithTracks">Of those, the ones with at least one cached clip.</param>
/// <param name="Missing">Paths of the corpus videos with none.</param>
internal sealed record CorpusCoverage(string Partition, int Videos, int WithTracks, IReadOnlyList<string> Missing)
{
    public static async Task<CorpusCoverage> MeasureAsync(PipelineOptions options, TrajectoryCache cache, CancellationToken ct)
    {
        CorpusListing listing = CorpusDiscovery.DiscoverSome(options.Corpus);
        TrackSet set = TrackSets.For(options, TrackerFactory.Identity(options.Tracker), QuerySpec.Grid(options.Tracker.Grid));
        var tracked = cache.FinishedClipVideos(set).Values.ToHashSet(StringComparer.Ordinal);
        HashIndex hashes = HashIndex.Load(cache.Dir);
        var byHash = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (VideoSource video in listing.Videos) byHash.TryAdd(await hashes.HashAsync(video, ct).ConfigureAwait(false), video.Path);
        await hashes.SaveAsync(ct).ConfigureAwait(false);
        string[] missing = [.. byHash.Where(v => !tracked.Contains(v.Key)).Select(v => v.Value).Order(StringComparer.Ordinal)];
        return new CorpusCoverage(set.Id, byHash.Count, byHash.Count - missing.Length, missing);
    }
}
