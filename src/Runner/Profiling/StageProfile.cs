using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// One stage over the whole run: totals, rates over the run time (items handed on per second, or taken per second by a
/// stage that hands nothing on, such as the trainer), and the fractions of its workers' wall time (run time × workers)
/// spent busy, starved and blocked.
/// </summary>
public sealed record StageProfile(string Name, int Workers, long ItemsIn, long ItemsOut, long BytesIn, long BytesOut,
    double BusySeconds, double StarvedSeconds, double BlockedSeconds,
    double ItemsPerSecond, double MegabytesInPerSecond, double MegabytesOutPerSecond,
    double Busy, double Starved, double Blocked)
{
    /// <summary>The profile of <paramref name="stage"/> over <paramref name="run"/>.</summary>
    public static StageProfile Of(StageSnapshot stage, TimeSpan run)
    {
        var (busy, starved, blocked) = stage.Fractions(run);
        double seconds = run.TotalSeconds;
        double PerSecond(double v) => seconds > 0 ? v / seconds : 0;
        return new StageProfile(stage.Name, stage.Workers, stage.ItemsIn, stage.ItemsOut, stage.BytesIn, stage.BytesOut,
            stage.BusySeconds, stage.StarvedSeconds, stage.BlockedSeconds,
            stage.ItemsPerSecond(run), PerSecond(stage.BytesIn / 1e6), PerSecond(stage.BytesOut / 1e6),
            busy, starved, blocked);
    }
}
