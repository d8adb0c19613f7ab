using System.Globalization;
using MoSiC.Stream.Graph.Plumbing;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// A run's identity (<c>PIPELINE-MODE-yyyyMMddTHHmmssZ-PID</c>) and the per-run places named after it, so no run
/// overwrites another's report or profile: <c>.mosic/runs/ID.json</c> and <c>.mosic/profiles/ID/</c>.
/// </summary>
internal static class RunFolders
{
    public static string Id(string pipeline, RunMode mode, DateTime startedUtc) =>
        $"{pipeline}-{mode.ToString().ToLowerInvariant()}-{startedUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{Environment.ProcessId}";

    /// <summary>Where run.json goes when <c>--report</c> does not say.</summary>
    public static string Report(string runId) => Path.Combine(".mosic", "runs", runId + ".json");

    /// <summary>Where <c>mosic-stream profile</c> writes when <c>--profile</c> does not say.</summary>
    public static string Profile(string runId) => Path.Combine(".mosic", "profiles", runId);
}
