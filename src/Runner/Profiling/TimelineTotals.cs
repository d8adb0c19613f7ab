namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// A stage's busy, starved and blocked fractions read back from the timeline (each sample weighted by its duration),
/// and how far they are from the run's totals: the check that the pictures and the summary table tell the same story.
/// </summary>
/// <param name="Name">Stage name.</param>
/// <param name="Busy">Time-weighted mean busy fraction over the timeline.</param>
/// <param name="Starved">Time-weighted mean starved fraction.</param>
/// <param name="Blocked">Time-weighted mean blocked fraction.</param>
/// <param name="Difference">The largest of the three differences from the run's fractions (the summary table's), in fraction points.</param>
public sealed record TimelineTotals(string Name, double Busy, double Starved, double Blocked, double Difference)
{
    /// <summary>Differences up to this are rounding and the last moments between the final sample and the final snapshot.</summary>
    public const double Tolerance = 0.02;

    /// <summary>Per stage of <paramref name="stages"/>, its fractions over <paramref name="timeline"/>; empty without samples.</summary>
    public static IReadOnlyList<TimelineTotals> Of(IReadOnlyList<StageProfile> stages, IReadOnlyList<TimelineSample> timeline)
    {
        double total = timeline.Sum(s => s.Duration.TotalSeconds);
        if (total <= 0) return [];
        return [.. stages.Select(stage =>
        {
            double Mean(Func<StageSample, double> f) => timeline.Sum(s => s.Duration.TotalSeconds * (s.Stages.FirstOrDefault(x => x.Name == stage.Name) is { } x ? f(x) : 0)) / total;
            double busy = Mean(x => x.Busy), starved = Mean(x => x.Starved), blocked = Mean(x => x.Blocked);
            double difference = Math.Max(Math.Abs(busy - stage.Busy), Math.Max(Math.Abs(starved - stage.Starved), Math.Abs(blocked - stage.Blocked)));
            return new TimelineTotals(stage.Name, busy, starved, blocked, difference);
        })];
    }
}
