namespace MoSiC.Stream.Graph.Metrics;

/// <summary>Arithmetic on snapshots: what happened between two of them, and where a stage's time went.</summary>
public static class SnapshotMath
{
    /// <summary>
    /// The span from <paramref name="earlier"/> to <paramref name="now"/>: elapsed time and stage totals are
    /// differences (a stage absent earlier counts from zero); buffers and run counters are <paramref name="now"/>'s.
    /// </summary>
    public static PipelineSnapshot Since(this PipelineSnapshot now, PipelineSnapshot earlier)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(earlier);
        var before = earlier.Stages.ToDictionary(s => s.Name);
        var stages = now.Stages.Select(s => before.TryGetValue(s.Name, out var b)
            ? s with
            {
                ItemsIn = s.ItemsIn - b.ItemsIn, BytesIn = s.BytesIn - b.BytesIn, ItemsOut = s.ItemsOut - b.ItemsOut, BytesOut = s.BytesOut - b.BytesOut,
                BusySeconds = s.BusySeconds - b.BusySeconds, StarvedSeconds = s.StarvedSeconds - b.StarvedSeconds, BlockedSeconds = s.BlockedSeconds - b.BlockedSeconds,
            }
            : s).ToList();
        return now with { Elapsed = now.Elapsed - earlier.Elapsed, Stages = stages };
    }

    /// <summary>Fractions of the stage's worker time over <paramref name="span"/> (span × workers) spent busy, starved and blocked.</summary>
    public static (double Busy, double Starved, double Blocked) Fractions(this StageSnapshot stage, TimeSpan span)
    {
        double capacity = span.TotalSeconds * Math.Max(1, stage.Workers);
        if (capacity <= 0) return (0, 0, 0);
        // Capped: a worker books an item's busy time when the item ends, so a short window can receive more than it spans.
        return (Math.Min(1, stage.BusySeconds / capacity), Math.Min(1, stage.StarvedSeconds / capacity), Math.Min(1, stage.BlockedSeconds / capacity));
    }

    /// <summary>Items handed on per second over <paramref name="span"/>; 0 for an empty span.</summary>
    public static double ItemsOutPerSecond(this StageSnapshot stage, TimeSpan span) => span > TimeSpan.Zero ? stage.ItemsOut / span.TotalSeconds : 0;
}
