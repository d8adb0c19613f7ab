using System.Globalization;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Runner.Output;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;

namespace MoSiC.Stream.Runner.CacheTools;

/// <summary>
/// <c>cache gc</c>: removes the tracks of videos no longer in the corpus, but never by surprise. A corpus that lists
/// no video (an empty mount, a glob matching nothing) is refused outright, and a gc that would remove more than
/// <see cref="GcRequest.MaxRemovePercent"/> of the cache's clips is refused unless forced; <c>--dry-run</c> lists what
/// would go. Both refusals exist because gc decides by absence: a corpus that failed to appear looks like a corpus
/// whose videos were all deleted.
/// </summary>
internal static class CacheGc
{
    public static async Task<int> RunAsync(GcRequest request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        request.ThrowIfInvalid();
        PipelineOptions options = PipelineSource.Load(request.PipelinePath);
        TrajectoryCache cache = TrajectoryCache.Open(request.Dir ?? options.Cache.Dir);
        CorpusListing listing;
        try
        {
            listing = CorpusDiscovery.DiscoverSome(options.Corpus);
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine($"cache gc refused: {e.Message}; with no corpus every clip of {cache.Dir} would go. Nothing was removed (to empty a cache, delete its folder).");
            return ExitCodes.Failed;
        }

        HashIndex hashes = HashIndex.Load(cache.Dir);
        if (hashes.Problem is not null) error.WriteLine(hashes.Problem);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (VideoSource video in listing.Videos) keep.Add(await hashes.HashAsync(video, ct).ConfigureAwait(false));
        if (!request.DryRun) await hashes.SaveAsync(ct).ConfigureAwait(false);

        CollectPlan plan = cache.PlanCollect(keep);
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{plan.ClipsRemoved} of {plan.ClipsTotal} clips ({plan.RemovedShare * 100:0.#}%) of {plan.Videos.Count} videos not among the corpus's {keep.Count}");
        if (request.DryRun)
        {
            output.WriteLine($"cache {cache.Dir}: gc would remove {summary}; {plan.PartsDeleted} parts deleted, {plan.PartsRewritten} rewritten");
            foreach (CollectedVideo video in plan.Videos)
            {
                string seen = hashes.LastPathOf(video.Hash) is { } path ? $"last seen as {path}" : "path unknown";
                output.WriteLine($"  {video.Hash[..16]}  {video.Clips} clips  {seen}  ({string.Join(", ", video.Partitions.Select(p => "tracker=" + p))})");
            }

            output.WriteLine("dry run: nothing removed");
            return ExitCodes.Ok;
        }

        if (plan.RemovedShare * 100 > request.MaxRemovePercent && !request.Force)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cache gc refused: it would remove {summary}, more than --max-remove {request.MaxRemovePercent:0.#}%. Check corpus.root ({listing.Root}) and corpus.include; " +
                $"--dry-run lists the videos; --force removes them. Nothing was removed."));
            return ExitCodes.Failed;
        }

        CollectReport report = await cache.CollectAsync(keep, ct).ConfigureAwait(false);
        foreach (CacheProblem skipped in report.Skipped) output.WriteLine($"  skipped: {skipped}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cache {cache.Dir}: kept the tracks of {keep.Count} corpus videos; removed {report.ClipsRemoved} clips ({report.PartsDeleted} parts deleted, {report.PartsRewritten} rewritten, {report.BytesFreed / 1e6:0.0} MB freed)"));
        return ExitCodes.Ok;
    }
}
