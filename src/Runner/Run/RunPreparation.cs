using System.Globalization;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Runner.Checkpoints;
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
    /// <summary>
    /// The pipeline and what it names, checked; nothing is hashed or decoded yet. <see cref="Request"/> is the user's
    /// with the profile folder settled; <see cref="RunId"/> names the run's report and profile folder.
    /// </summary>
    public sealed record Checked(RunRequest Request, PipelineOptions Options, string Source, TrackerIdentity Identity, ComputeDevice? Device, string RunId);

    /// <param name="request">What the command line asked for.</param>
    /// <param name="gpuVisible">Whether a GPU is visible (default: ask TorchSharp); tests pass their own.</param>
    public static Checked Check(RunRequest request, Func<bool>? gpuVisible = null)
    {
        try
        {
            PipelineOptions options = PipelineSource.Load(request.PipelinePath, request.Overrides);
            string runId = RunFolders.Id(options.Name, request.Mode, DateTime.UtcNow);
            if (request.ProfileDir is null && request.ProfileByDefault) request = request with { ProfileDir = RunFolders.Profile(runId) };
            FfmpegTools.EnsureInstalled();
            TrackerIdentity identity = PipelineTrackers.All.Identity(options.Tracker, request.TrackerName);
            // A learned tracker's weights are read and checked now, not at the first cache miss deep in the run.
            if (request.Mode != RunMode.Train) PipelineTrackers.All.Check(options.Tracker, request.TrackerName);
            if (request.Mode != RunMode.Track && options.Trainer.Init is { } init && CheckpointErrors.CheckReadable(init, options.Trainer.Model, "trainer.init") is { } initProblem)
                throw new RunSetupException(initProblem);
            if (FolderProblems.Find(options, request) is { } problem) throw new RunSetupException(problem);
            return new Checked(request, options, request.PipelinePath ?? PipelineSource.EmbeddedName, identity, ResolveDevice(request, options, gpuVisible ?? TorchRuntime.CudaVisible), runId);
        }
        catch (Exception e) when (e is OptionsException or FileNotFoundException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new RunSetupException(e.Message);
        }
    }

    /// <summary>Plans the corpus against the cache and starts the trainer (in its own modes).</summary>
    public static async Task<PreparedRun> PlanAsync(Checked run, RunLog log, CancellationToken ct)
    {
        RunRequest request = run.Request;
        PipelineOptions options = run.Options;
        var (listing, cache, hashes) = await OpenAsync(options, ct).ConfigureAwait(false);
        if (hashes.Problem is not null) log.Write(hashes.Problem);
        QuerySpec queries = QuerySpec.Grid(options.Tracker.Grid);
        TrackSet set = TrackSets.For(options, run.Identity, queries);
        IReadOnlyDictionary<string, string?> samples = cache.RecordedSamples();
        CorpusPlan plan = await CorpusPlan.BuildAsync(listing.Videos, hashes, request.Shard, h => samples.GetValueOrDefault(h), TimeSpan.FromSeconds(options.Decode.StallTimeoutSeconds), ct,
            p => log.Write(p.ToString())).ConfigureAwait(false);
        IReadOnlyDictionary<string, string> finished = cache.FinishedClipVideos(set);
        var planned = plan.Videos.Select(v => v.Hash).ToHashSet(StringComparer.Ordinal);
        int cachedOfCorpus = finished.Values.Count(planned.Contains);
        IReadOnlyList<SkippedInput> skipped = [.. listing.Ignored.Select(Unmatched(options.Corpus)), .. plan.DuplicatesOf];
        log.Write(string.Create(CultureInfo.InvariantCulture,
            $"corpus: {plan.Listed} videos under {listing.Root}; {plan.Videos.Count} in this run{(plan.OtherShards > 0 ? $" ({plan.OtherShards} in other shards)" : "")}{(plan.Duplicates > 0 ? $", {plan.Duplicates} duplicates of another video's content left out" : "")}" +
            $"{(listing.Ignored.Count > 0 ? $", {listing.Ignored.Count} matched files skipped (not a video or frame extension; run.json lists them)" : "")}; " +
            $"cache {cache.Dir}, partition tracker={set.Id}: {cachedOfCorpus} of their clips already tracked"));

        IReadOnlyList<VideoWork> videos = request.Mode == RunMode.Train ? WithCachedClips(plan, finished, cache, request, log) : plan.Videos;
        var stats = new PipelineStats();
        TrainSession? session = request.Mode == RunMode.Track ? null
            : StartTrainer(options, run.Device!.Value, request.Mode == RunMode.Train ? cachedOfCorpus : await PlannedClipsAsync(plan, options, finished, ct).ConfigureAwait(false), stats, log);
        // A train run resumed past its streamed epoch replays the cache: nothing to decode up front.
        if (request.Mode == RunMode.Train && session is { Resume.Epoch: > 0 }) videos = [];
        // Training is done: a run decodes only videos with clips still to track (none, on a plain rerun).
        if (request.Mode == RunMode.Run && session is not null && session.Position.Epoch >= options.Trainer.Epochs) videos = WithMissingClips(plan, finished, options);
        stats.Run.VideosTotal = videos.Count;
        return new PreparedRun(request, options, run.Source, run.Identity)
        {
            Cache = cache, Hashes = hashes, Set = set, Queries = queries, Plan = plan, Finished = finished, Videos = videos,
            Device = run.Device, Session = session, Stats = stats, RunId = run.RunId, Skipped = skipped,
        };
    }

    private static Func<string, SkippedInput> Unmatched(CorpusOptions corpus) => path => new SkippedInput(path,
        $"extension '{Path.GetExtension(path)}' is neither a video ({string.Join(" ", corpus.VideoExtensions)}) nor a frame ({string.Join(" ", corpus.FrameExtensions)}): corpus.videoExtensions, corpus.frameExtensions");

    // LibTorch is loaded to answer "auto" only when something will run on it: training, or a learned tracker.
    private static ComputeDevice? ResolveDevice(RunRequest request, PipelineOptions options, Func<bool> gpuVisible)
    {
        bool torch = request.Mode != RunMode.Track || PipelineTrackers.All.IsLearned(options.Tracker, request.TrackerName);
        return torch ? ComputeDevices.Resolve(options.Runtime.Device, gpuVisible) : null;
    }

    private static async Task<(CorpusListing Listing, TrajectoryCache Cache, HashIndex Hashes)> OpenAsync(PipelineOptions options, CancellationToken ct)
    {
        CorpusListing listing;
        try
        {
            await SyntheticStep.EnsureAsync(options.Corpus, ct).ConfigureAwait(false);
            listing = CorpusDiscovery.DiscoverSome(options.Corpus);
            var cache = TrajectoryCache.Open(options.Cache.Dir);
            return (listing, cache, HashIndex.Load(cache.Dir));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FfmpegException or UnauthorizedAccessException or ArgumentException)
        {
            throw new RunSetupException(e.Message);
        }
    }

    // Train mode feeds only videos with cached clips; a video without any needs a track run first. Videos without
    // tracks are refused unless --allow-partial: after a sharded track run they are most often a shard that never ran.
    private static IReadOnlyList<VideoWork> WithCachedClips(CorpusPlan plan, IReadOnlyDictionary<string, string> finished, TrajectoryCache cache, RunRequest request, RunLog log)
    {
        var withTracks = finished.Values.ToHashSet(StringComparer.Ordinal);
        VideoWork[] videos = [.. plan.Videos.Where(v => withTracks.Contains(v.Hash))];
        if (videos.Length == 0)
            throw new RunSetupException($"the trajectory cache {cache.Dir} holds no clips for this pipeline's corpus and tracker settings: run mosic-stream track first");
        int missing = plan.Videos.Count - videos.Length;
        if (missing == 0) return videos;
        string counted = $"{missing} of the {plan.Videos.Count} videos of this run have no tracks in {cache.Dir}";
        if (!request.AllowPartial)
        {
            throw new RunSetupException($"{counted} (a track shard that did not run or finish? videos that failed to decode?): " +
                $"run mosic-stream track{(request.PipelinePath is { } p ? " " + p : "")} for every shard first, or pass --allow-partial to train on the {videos.Length} that have tracks");
        }

        log.Write($"--allow-partial: {counted}; training on the {videos.Length} that have tracks");
        return videos;
    }

    // With clipsPerVideo set, a video is done when that many of its clips are cached. With 0, how many it has is known
    // only after decoding it, so every video is decoded as before.
    private static IReadOnlyList<VideoWork> WithMissingClips(CorpusPlan plan, IReadOnlyDictionary<string, string> finished, PipelineOptions options)
    {
        if (options.Clips.ClipsPerVideo == 0) return plan.Videos;
        var cached = finished.Values.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. plan.Videos.Where(v => cached.GetValueOrDefault(v.Hash) < options.Clips.ClipsPerVideo)];
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
        catch (Exception e) when (options.Trainer.Init is { } init && e is CheckpointMismatchException or InvalidDataException)
        {
            // trainer.init is loaded into the student as the trainer starts.
            throw new RunSetupException("trainer.init: " + CheckpointErrors.Explain(init, options.Trainer.Model, "trainer.model", e));
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
