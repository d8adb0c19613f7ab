using System.Globalization;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Model;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Stages.Ffmpeg;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;
using MoSiC.Stream.Training;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// The first phase of a run: check everything that can be checked before any work (pipeline, ffmpeg, tracker and its
/// weights, device, folders), then plan the corpus (generate, discover, hash, shard, look up the cache) and start the
/// trainer. Every problem is a <see cref="RunSetupException"/> with the message a user needs.
/// </summary>
internal static class RunPreparation
{
    /// <summary>The pipeline and what it names, checked; nothing is hashed or decoded yet.</summary>
    public sealed record Checked(PipelineOptions Options, string Source, TrackerIdentity Identity, ComputeDevice? Device);

    public static Checked Check(RunRequest request)
    {
        try
        {
            PipelineOptions options = PipelineSource.Load(request.PipelinePath);
            FfmpegTools.EnsureInstalled();
            TrackerIdentity identity = TrackerFactory.Identity(options.Tracker, request.TrackerName);
            // A learned tracker's weights are read and checked now, not at the first cache miss deep in the run.
            if (request.Mode != RunMode.Train) TrackerFactory.Check(options.Tracker, request.TrackerName);
            if (FolderProblems.Find(options, request.Mode) is { } problem) throw new RunSetupException(problem);
            return new Checked(options, request.PipelinePath ?? PipelineSource.EmbeddedName, identity, ResolveDevice(request, options));
        }
        catch (Exception e) when (e is OptionsException or FileNotFoundException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new RunSetupException(e.Message);
        }
    }

    /// <summary>Plans the corpus against the cache and starts the trainer (in its own modes).</summary>
    public static async Task<PreparedRun> PlanAsync(RunRequest request, Checked run, RunLog log, CancellationToken ct)
    {
        PipelineOptions options = run.Options;
        var (listing, cache, hashes) = await OpenAsync(options, ct).ConfigureAwait(false);
        if (hashes.Problem is not null) log.Write(hashes.Problem);
        QuerySpec queries = QuerySpec.Grid(options.Tracker.Grid);
        TrackSet set = TrackSets.For(options, run.Identity, queries);
        IReadOnlyDictionary<string, string?> samples = cache.RecordedSamples();
        CorpusPlan plan = await CorpusPlan.BuildAsync(listing.Videos, hashes, request.Shard, h => samples.GetValueOrDefault(h), ct).ConfigureAwait(false);
        IReadOnlyDictionary<string, string> finished = cache.FinishedClipVideos(set);
        var planned = plan.Videos.Select(v => v.Hash).ToHashSet(StringComparer.Ordinal);
        int cachedOfCorpus = finished.Values.Count(planned.Contains);
        log.Write(string.Create(CultureInfo.InvariantCulture,
            $"corpus: {plan.Listed} videos under {listing.Root}; {plan.Videos.Count} in this run{(plan.OtherShards > 0 ? $" ({plan.OtherShards} in other shards)" : "")}{(plan.Duplicates > 0 ? $", {plan.Duplicates} duplicates of another video's content left out" : "")}; " +
            $"cache {cache.Dir}, partition tracker={set.Id}: {cachedOfCorpus} of their clips already tracked"));

        IReadOnlyList<VideoWork> videos = request.Mode == RunMode.Train ? WithCachedClips(plan, finished, cache) : plan.Videos;
        var stats = new PipelineStats();
        TrainSession? session = request.Mode == RunMode.Track ? null
            : StartTrainer(options, run.Device!.Value, request.Mode == RunMode.Train ? cachedOfCorpus : await PlannedClipsAsync(plan, options, finished, ct).ConfigureAwait(false), stats, log);
        // A train run resumed past its streamed epoch replays the cache: nothing to decode up front.
        if (request.Mode == RunMode.Train && session is { Resume.Epoch: > 0 }) videos = [];
        stats.Run.VideosTotal = videos.Count;
        return new PreparedRun(request, options, run.Source, run.Identity)
        {
            Cache = cache, Hashes = hashes, Set = set, Queries = queries, Plan = plan, Finished = finished, Videos = videos,
            Device = run.Device, Session = session, Stats = stats,
        };
    }

    // LibTorch is loaded to answer "auto" only when something will run on it: training, or a learned tracker.
    private static ComputeDevice? ResolveDevice(RunRequest request, PipelineOptions options)
    {
        bool torch = request.Mode != RunMode.Track || TrackerFactory.IsLearned(options.Tracker, request.TrackerName);
        return torch ? ComputeDevices.Resolve(options.Runtime.Device, TorchRuntime.CudaVisible) : null;
    }

    private static async Task<(CorpusListing Listing, TrajectoryCache Cache, HashIndex Hashes)> OpenAsync(PipelineOptions options, CancellationToken ct)
    {
        CorpusListing listing;
        try
        {
            await SyntheticStep.EnsureAsync(options.Corpus, ct).ConfigureAwait(false);
            listing = CorpusDiscovery.Discover(options.Corpus, options.Corpus.ResolvedRoot);
            var cache = TrajectoryCache.Open(options.Cache.Dir);
            if (listing.Videos.Count == 0)
                throw new RunSetupException($"corpus.include matched no videos under {listing.Root} (patterns: {string.Join(", ", options.Corpus.Include.DefaultIfEmpty("videos/*.mp4"))})");
            return (listing, cache, HashIndex.Load(cache.Dir));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FfmpegException or UnauthorizedAccessException or ArgumentException)
        {
            throw new RunSetupException(e.Message);
        }
    }

    // Train mode feeds only videos with cached clips; a video without any needs a track run first.
    private static IReadOnlyList<VideoWork> WithCachedClips(CorpusPlan plan, IReadOnlyDictionary<string, string> finished, TrajectoryCache cache)
    {
        var withTracks = finished.Values.ToHashSet(StringComparer.Ordinal);
        VideoWork[] videos = [.. plan.Videos.Where(v => withTracks.Contains(v.Hash))];
        return videos.Length > 0 ? videos
            : throw new RunSetupException($"the trajectory cache {cache.Dir} holds no clips for this pipeline's corpus and tracker settings: run mosic-stream track first");
    }

    private static TrainSession StartTrainer(PipelineOptions options, ComputeDevice device, long clips, PipelineStats stats, RunLog log)
    {
        try
        {
            return new TrainSession(options, device, clips, stats.Run, log.Write);
        }
        catch (TrainSetupException e)
        {
            throw new RunSetupException(e.Message);
        }
    }

    // The schedule needs the epoch's length before the stream has decoded the videos that define it.
    private static async Task<long> PlannedClipsAsync(CorpusPlan plan, PipelineOptions options, IReadOnlyDictionary<string, string> finished, CancellationToken ct)
    {
        var cached = finished.Values.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        long total = 0;
        foreach (var video in plan.Videos) total += await CorpusPlan.EstimateClipsAsync(video, options, cached.GetValueOrDefault(video.Hash), ct).ConfigureAwait(false);
        return total;
    }
}
