using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Plumbing;

namespace MoSiC.Stream.Runner.Run;

/// <summary>What the user asked for on the command line.</summary>
/// <param name="Mode">Which part of the graph runs.</param>
/// <param name="PipelinePath">Pipeline file, or null for the embedded sample.</param>
/// <param name="Shard">The share of the corpus this process takes.</param>
/// <param name="ReportPath">Where run.json goes; null for the default (docs/runner.md).</param>
/// <param name="ProfileDir">Where the profile report goes, or null for none.</param>
/// <param name="TrackerName">Overrides tracker.name (e.g. <c>static</c> for a baseline cache).</param>
/// <param name="ProfileByDefault">Profile even without <paramref name="ProfileDir"/>, into the run's own folder (<c>mosic-stream profile</c>).</param>
/// <param name="AllowPartial">Train mode: train on the videos that have tracks even when others of the corpus have none.</param>
internal sealed record RunRequest(RunMode Mode, string? PipelinePath, ShardSpec Shard, string? ReportPath = null, string? ProfileDir = null, string? TrackerName = null,
    bool ProfileByDefault = false, bool AllowPartial = false);
