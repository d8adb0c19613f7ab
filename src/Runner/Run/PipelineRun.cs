using System.Globalization;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Graph.Replay;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Runner.Profiling;
using MoSiC.Stream.Runner.Progress;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Stages.Ffmpeg;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;
using MoSiC.Stream.Training;
using Spectre.Console;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// <c>mosic-stream run | track | train</c>: checks everything that can be checked before any work (pipeline, ffmpeg,
/// tracker name, corpus, cache folder, checkpoint), plans the corpus (hash, shard), builds the graph for the mode, runs
/// it with progress and Ctrl-C handling, and reports: a summary, run.json, and with <c>--profile</c> the profile.
/// </summary>
internal static class PipelineRun
{
    /// <summary>Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(RunRequest request, CancellationToken ct)
    {
        ProgressView? progress = null;
        // Through the progress view while it is up, so lines never tear its live table.
        void Log(string line)
        {
            if (progress is { } view) view.Log(line);
            else Console.WriteLine(line);
        }

        PipelineOptions options;
        TrackerIdentity identity;
        try
        {
            options = PipelineSource.Load(request.PipelinePath);
            FfmpegTools.EnsureInstalled();
            identity = TrackerFactory.Identity(options.Tracker, request.TrackerName);
            // A learned tracker's weights are read and checked now, not at the first cache miss deep in the run.
            if (request.Mode != RunMode.Train) TrackerFactory.Check(options.Tracker, request.TrackerName);
        }
        catch (Exception e) when (e is OptionsException or FileNotFoundException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            return Fail(e.Message);
        }

        if (FolderProblems.Find(options, request.Mode) is { } problem) return Fail(problem);
        string source = request.PipelinePath ?? PipelineSource.EmbeddedName;
        Log($"pipeline {options.Name} ({source}): {request.Mode.ToString().ToLowerInvariant()}{(request.Shard.Count > 1 ? $", shard {request.Shard}" : "")}; tracker {identity.Key}");
        var stats = new PipelineStats();
        using var interrupts = new Interrupts(Log);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct, interrupts.Abort.Token);

        CorpusListing listing;
        TrajectoryCache cache;
        HashIndex hashes;
        try
        {
            await SyntheticStep.EnsureAsync(options.Corpus, abort.Token).ConfigureAwait(false);
            listing = CorpusDiscovery.Discover(options.Corpus, options.Corpus.ResolvedRoot);
            cache = TrajectoryCache.Open(options.Cache.Dir);
            hashes = HashIndex.Load(cache.Dir);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FfmpegException or UnauthorizedAccessException or ArgumentException)
        {
            return Fail(e.Message);
        }

        if (listing.Videos.Count == 0)
            return Fail($"corpus.include matched no videos under {listing.Root} (patterns: {string.Join(", ", options.Corpus.Include.DefaultIfEmpty("videos/*.mp4"))})");

        QuerySpec queries = QuerySpec.Grid(options.Tracker.Grid);
        TrackSet set = TrackSets.For(options, identity, queries);
        CorpusPlan plan = await CorpusPlan.BuildAsync(listing.Videos, hashes, request.Shard, abort.Token).ConfigureAwait(false);
        IReadOnlyDictionary<string, string> finished = cache.FinishedClipVideos(set);
        var planned = plan.Videos.Select(v => v.Hash).ToHashSet(StringComparer.Ordinal);
        int cachedOfCorpus = finished.Values.Count(planned.Contains);
        Log(string.Create(CultureInfo.InvariantCulture,
            $"corpus: {plan.Listed} videos under {listing.Root}; {plan.Videos.Count} in this run{(plan.OtherShards > 0 ? $" ({plan.OtherShards} in other shards)" : "")}{(plan.Duplicates > 0 ? $", {plan.Duplicates} duplicates of another video's content left out" : "")}; " +
            $"cache {cache.Dir}, partition tracker={set.Id}: {cachedOfCorpus} of their clips already tracked"));

        // Train mode feeds only videos with cached clips; a video without any needs a track run first.
        var videos = plan.Videos;
        if (request.Mode == RunMode.Train)
        {
            var withTracks = finished.Values.ToHashSet(StringComparer.Ordinal);
            videos = [.. plan.Videos.Where(v => withTracks.Contains(v.Hash))];
            if (videos.Count == 0)
                return Fail($"the trajectory cache {cache.Dir} holds no clips for this pipeline's corpus and tracker settings: run mosic-stream track first");
        }

        TrainSession? session = null;
        try
        {
            if (request.Mode != RunMode.Track)
            {
                long clips = request.Mode == RunMode.Train ? cachedOfCorpus : await PlannedClipsAsync(plan, options, finished, abort.Token).ConfigureAwait(false);
                session = new TrainSession(options, clips, stats.Run, Log);
            }
        }
        catch (TrainSetupException e)
        {
            return Fail(e.Message);
        }

        using (session)
        {
            bool stream = session is null || session.Position.Epoch == 0;
            if (request.Mode == RunMode.Train && !stream) videos = [];
            stats.Run.VideosTotal = videos.Count;
            var failures = new FailureLog(options.Runtime.MaxConsecutiveFailures, Log, interrupts.Stop);
            var g = new GraphContext(options, request.Mode, cache, set, queries, finished, stats, failures, Log)
            {
                StreamToTrainer = session is not null && stream,
                Seen = session?.Seen ?? new HashSet<string>(),
            };
            foreach (var failure in plan.Failures) g.VideoFailed(failure);
            var graph = new StreamingGraph(g, session, () => TrackerFactory.Create(options.Tracker, options.Runtime.Threads.Tracker, request.TrackerName, options.Runtime.Device),
                () => ReplayClips(cache, set, plan));
            Log($"threads: {options.Runtime.Threads.DecodeWorkers} decode workers × {options.Runtime.Threads.FfmpegThreads} ffmpeg threads, tracker {options.Runtime.Threads.Tracker}, torch {options.Runtime.Threads.Torch}; " +
                $"buffers: {options.Runtime.Buffers.Clips} clips, {options.Runtime.Buffers.FrameMegabytes} MB of frames");

            GraphOutcome outcome;
            var started = DateTime.UtcNow;
            IReadOnlyList<TimelineSample> samples;
            using (new PipelineMeter(stats))
            {
                await using var timeline = TimelineRecorder.Start(stats);
                progress = ProgressView.Start(stats, $"mosic-stream {request.Mode.ToString().ToLowerInvariant()} {options.Name}");
                try
                {
                    outcome = await graph.RunAsync(videos, interrupts.Stopping, abort.Token).ConfigureAwait(false);
                }
                finally
                {
                    await progress.DisposeAsync().ConfigureAwait(false);
                    progress = null;
                    await timeline.DisposeAsync().ConfigureAwait(false);
                    await hashes.SaveAsync(CancellationToken.None).ConfigureAwait(false);
                }

                samples = timeline.Samples;
            }

            PipelineSnapshot end = stats.Snapshot();
            SummaryTable.Write(end, AnsiConsole.Console);
            if (request.ProfileDir is not null)
            {
                var profile = ProfileReport.Create(end, samples);
                // The summary table named the bottleneck already; the rest adds stage rates and buffer fill.
                foreach (string line in profile.SummaryLines().Skip(1)) Log(line);
                await profile.WriteAsync(request.ProfileDir, CancellationToken.None).ConfigureAwait(false);
                Log($"profile: {Path.Combine(request.ProfileDir, "profile.json")}, timeline.png, timeline.html");
            }

            RunSnapshot run = end.Run;
            Log(string.Create(CultureInfo.InvariantCulture,
                $"tracked {run.ClipsTracked} clips in {graph.PartsWritten} batches, {run.ClipsCached} already cached; {run.VideosDone} of {videos.Count} videos, {run.VideosFailed} failed; " +
                $"{end.Elapsed.TotalSeconds:0.0} s; {hashes.Hashed} videos hashed from their bytes"));
            if (g.Uncached > 0) Log($"{g.Uncached} clips of these videos are not in the cache and were left out: run mosic-stream track first");
            foreach (var failure in failures.Records) Log($"  {failure}");

            int code = outcome.Fault is not null || failures.Tripped is not null ? 1
                : outcome.Stopped ? Interrupted
                : videos.Count > 0 && run.VideosDone == 0 && session?.Finished != true ? 1
                : 0;
            string? reason = outcome.Fault is { } fault ? $"stopped by a failing stage: {fault.GetType().Name}: {fault.Message}"
                : failures.Tripped ?? (outcome.Stopped ? $"{interrupts.Reason}; finished work is kept, rerun the same command to resume" : null);
            if (reason is not null) Console.Error.WriteLine(reason);

            var report = RunReport.Create(request, options, source, set, started, end, failures.Records, session, graph, reason, code);
            foreach (string path in RunReport.Paths(request, options, session is not null, started))
            {
                await RunReport.WriteAsync(report, path).ConfigureAwait(false);
            }

            return code;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }

    // The schedule needs the epoch's length before the stream has decoded the videos that define it.
    private static async Task<long> PlannedClipsAsync(CorpusPlan plan, PipelineOptions options, IReadOnlyDictionary<string, string> finished, CancellationToken ct)
    {
        var cached = finished.Values.GroupBy(v => v, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        long total = 0;
        foreach (var video in plan.Videos) total += await CorpusPlan.EstimateClipsAsync(video, options, cached.GetValueOrDefault(video.Hash), ct).ConfigureAwait(false);
        return total;
    }

    // Every cached clip of the run's videos, in key order: the list each later epoch's seeded order permutes.
    private static IReadOnlyList<ReplayClip> ReplayClips(TrajectoryCache cache, TrackSet set, CorpusPlan plan)
    {
        var videos = plan.Videos.ToDictionary(v => v.Hash, StringComparer.Ordinal);
        return cache.FinishedClipVideos(set)
            .Where(c => videos.ContainsKey(c.Value))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new ReplayClip(c.Key, videos[c.Value])).ToArray();
    }
}
