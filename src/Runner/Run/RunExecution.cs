using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Core.Threading;
using MoSiC.Stream.Graph;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Graph.Replay;
using MoSiC.Stream.Runner.Output;
using MoSiC.Stream.Runner.Profiling;
using MoSiC.Stream.Runner.Progress;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Runner.Run;

/// <summary>How the graph of a run went: its outcome, its failures and the timeline the profile draws.</summary>
internal sealed record ExecutedRun(StreamingGraph Graph, GraphContext Context, FailureLog Failures, GraphOutcome Outcome, DateTime Started, IReadOnlyList<TimelineSample> Samples);

/// <summary>
/// The second phase of a run: builds the graph for the mode and runs it with the live progress view, the metrics
/// meter and the timeline recorder; Ctrl-C and SIGTERM reach it through <see cref="Interrupts"/>.
/// </summary>
internal static class RunExecution
{
    public static async Task<ExecutedRun> ExecuteAsync(PreparedRun run, Interrupts interrupts, RunLog log, CancellationToken abort)
    {
        PipelineOptions options = run.Options;
        var failures = new FailureLog(options.Runtime.MaxConsecutiveFailures, log.Write, interrupts.Stop);
        var threads = options.Runtime.Threads;
        bool tracks = run.Request.Mode != RunMode.Train;
        // CPU-bound work on threads of its own: the tracker's (LK's clips, CoTracker's forward) and the trainer's.
        using var trackThreads = tracks ? new DedicatedThreads("track", threads.Tracker) : null;
        using var trainThread = run.Session is not null ? new DedicatedThreads("train", 1) : null;
        var g = new GraphContext(options, run.Request.Mode, run.Cache, run.Set, run.Queries, run.Finished, run.Stats, failures, log.Write)
        {
            StreamToTrainer = run.StreamsToTrainer,
            Seen = run.Session?.Seen ?? new HashSet<string>(),
            TrainThread = trainThread,
        };
        foreach (var failure in run.Plan.Failures) g.VideoFailed(failure);
        var graph = new StreamingGraph(g, run.Session,
            () => PipelineTrackers.All.Create(options.Tracker, threads.Tracker, run.Request.TrackerName, run.Device ?? ComputeDevice.Cpu, trackThreads), () => ReplayClips(run));
        var budget = ThreadBudget.Plan(threads, tracks, run.Session is not null || PipelineTrackers.All.IsLearned(options.Tracker, run.Request.TrackerName));
        log.Write($"threads: {threads.DecodeWorkers} decode workers × {threads.FfmpegThreads} ffmpeg threads, tracker {threads.Tracker}, torch {threads.Torch}; " +
            $"buffers: {options.Runtime.Buffers.Clips} clips, {options.Runtime.Buffers.FrameMegabytes} MB of frames; {budget.Describe()}");

        var started = DateTime.UtcNow;
        using var meter = new PipelineMeter(run.Stats);
        await using var timeline = TimelineRecorder.Start(run.Stats);
        // --no-progress (and --quiet): no live table and no periodic lines; other lines go straight out.
        ProgressView? progress = CliOutput.NoProgress ? null
            : ProgressView.Start(run.Stats, $"mosic-stream {run.Request.Mode.ToString().ToLowerInvariant()} {options.Name}", new ProgressOptions { Console = CliOutput.Json ? CliOutput.HumanConsole : null });
        log.Attach(progress);
        GraphOutcome outcome;
        try
        {
            outcome = await graph.RunAsync(run.Videos, interrupts.Stopping, abort).ConfigureAwait(false);
        }
        finally
        {
            if (progress is not null) await progress.DisposeAsync().ConfigureAwait(false);
            log.Attach(null);
            await timeline.DisposeAsync().ConfigureAwait(false);
            await run.Hashes.SaveAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return new ExecutedRun(graph, g, failures, outcome, started, timeline.Samples);
    }

    // Every cached clip of the run's videos, in key order: the list each later epoch's seeded order permutes. A video
    // with a plan record contributes the clips of its plan (not clips cut from a count that decoding later corrected).
    private static IReadOnlyList<ReplayClip> ReplayClips(PreparedRun run)
    {
        var videos = run.Plan.Videos.ToDictionary(v => v.Hash, StringComparer.Ordinal);
        var planned = run.Cache.Videos(run.Set).ToDictionary(v => v.Key, v => v.Value.Clips.Select(c => c.Key).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        return run.Cache.FinishedClipVideos(run.Set)
            .Where(c => videos.ContainsKey(c.Value) && (!planned.TryGetValue(c.Value, out var keys) || keys.Contains(c.Key)))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new ReplayClip(c.Key, videos[c.Value])).ToArray();
    }
}
