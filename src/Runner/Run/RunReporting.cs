using System.Globalization;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Output;
using MoSiC.Stream.Runner.Profiling;
using MoSiC.Stream.Runner.Progress;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// The last phase of a run: the summary table, the profile (with <c>--profile</c>), the closing lines, the exit code
/// and <c>run.json</c>.
/// </summary>
internal static class RunReporting
{
    public static async Task<int> ReportAsync(PreparedRun run, ExecutedRun executed, Interrupts interrupts, RunLog log)
    {
        PipelineSnapshot end = run.Stats.Snapshot();
        if (!CliOutput.Quiet) SummaryTable.Write(end, CliOutput.HumanConsole);
        else if (Bottleneck.Find(end) is { } bottleneck) log.Result($"bottleneck: {bottleneck.Stage} ({bottleneck.Reason})");
        if (run.Request.ProfileDir is { } profileDir)
        {
            var threads = run.Options.Runtime.Threads;
            var identity = new RunIdentity(run.Options.Name, run.Source, run.Request.Mode.ToString().ToLowerInvariant(), executed.Started,
                string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a).Prepend("mosic-stream")),
                $"{threads.DecodeWorkers} decode workers × {threads.FfmpegThreads} ffmpeg threads, tracker {threads.Tracker}, torch {threads.Torch}");
            var profile = ProfileReport.Create(end, executed.Samples, identity);
            // The summary table named the bottleneck already; the rest adds stage rates and buffer fill.
            foreach (string line in profile.SummaryLines().Skip(1)) log.Write(line);
            await profile.WriteAsync(profileDir, CancellationToken.None).ConfigureAwait(false);
            log.Write($"profile: {Path.Combine(profileDir, "profile.json")}, timeline.png, timeline.html");
        }

        RunSnapshot counts = end.Run;
        log.Result(string.Create(CultureInfo.InvariantCulture,
            $"tracked {counts.ClipsTracked} clips in {executed.Graph.PartsWritten} batches, {counts.ClipsCached} already cached; {counts.VideosDone} of {run.Videos.Count} videos, {counts.VideosFailed} failed; " +
            $"{end.Elapsed.TotalSeconds:0.0} s; {run.Hashes.Hashed} videos hashed from their bytes, {run.Hashes.Confirmed} hash-index hints confirmed by their sample"));
        if (run.Hashes.Corrected > 0)
            log.Result($"{run.Hashes.Corrected} hints wrong: the hash index gave hashes those files' bytes do not have (changed under the same size and time, or a forged entry); corrected");
        if (executed.Context.PartsUnreadable > 0)
            log.Result($"{executed.Context.PartsUnreadable} cache part(s) could not be read and were quarantined: their clips were left out, the next track tracks them again, and cache verify --repair removes the parts");
        if (executed.Context.Uncached > 0) log.Result($"{executed.Context.Uncached} clips of these videos are not in the cache and were left out: run mosic-stream track first");
        foreach (var failure in executed.Failures.Records) log.Result($"  {failure}");

        // A second signal cancels the stages: that is the user's abort, not a failing stage.
        bool aborted = interrupts.Abort.IsCancellationRequested && executed.Outcome.Fault is OperationCanceledException;
        int code = aborted ? ExitCodes.Interrupted : ExitCode(run, executed, counts);
        string? reason = aborted ? $"{interrupts.Reason}, then aborted by a second signal; finished work is kept, rerun the same command to resume"
            : executed.Outcome.Fault is { } fault ? InternalErrors.Stage(fault, CliOutput.Verbose)
            : executed.Failures.Tripped ?? (executed.Outcome.Stopped ? $"{interrupts.Reason}; finished work is kept, rerun the same command to resume" : null);
        if (reason is not null) Console.Error.WriteLine(reason);

        var report = RunReport.Create(run, executed, end, reason, code);
        foreach (string path in RunReport.Paths(run.Request, run.Options, run.Session is not null, run.RunId))
        {
            await RunReport.WriteAsync(report, path).ConfigureAwait(false);
        }

        // --json: run.json's content on stdout, the one thing there, for scripts and job steps.
        if (CliOutput.Json) Console.Out.WriteLine(RunReport.Serialize(report));

        return code;
    }

    // Interrupted is 128 + SIGINT, as shells report it.
    private static int ExitCode(PreparedRun run, ExecutedRun executed, RunSnapshot counts) =>
        executed.Outcome.Fault is not null || executed.Failures.Tripped is not null ? ExitCodes.Failed
        : executed.Outcome.Stopped ? ExitCodes.Interrupted
        : run.Videos.Count > 0 && counts.VideosDone == 0 && run.Session?.Finished != true ? ExitCodes.Failed
        : ExitCodes.Ok;
}
