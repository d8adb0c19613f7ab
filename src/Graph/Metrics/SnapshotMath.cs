namespace MoSiC.Stream.Graph.Metrics;

/// <summary>Arithmetic on snapshots: what happened between two of them, and where a stage's time went.</summary>
public static class SnapshotMath
{
    /// <summary>
    /// The span from <paramref name="earlier"/> to <paramref name="now"/>: elapsed time and stage totals are
    /// differences (a stage absent earlier counts from zero); buffers and run counters are <paramref name="now"/>'s,
    /// with <paramref name="earlier"/>'s counters kept as <see cref="PipelineSnapshot.RunBefore"/> for rates.
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
        return now with { Elapsed = now.Elapsed - earlier.Elapsed, Stages = stages, RunBefore = earlier.Run };
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

    /// <summary>
    /// The stage's throughput over <paramref name="span"/>: items handed on per second, or, for a stage that hands
    /// nothing on (the trainer, the last stage of track mode), items taken per second.
    /// </summary>
    public static double ItemsPerSecond(this StageSnapshot stage, TimeSpan span) =>
        span <= TimeSpan.Zero ? 0 : (stage.ItemsOut > 0 || stage.ItemsIn == 0 ? stage.ItemsOut : stage.ItemsIn) / span.TotalSeconds;

    /// <summary>Clips trained and trainer steps per second over a span from <see cref="Since"/> (the whole run for a plain snapshot).</summary>
    public static (double Clips, double Steps) TrainRates(this PipelineSnapshot span)
    {
        ArgumentNullException.ThrowIfNull(span);
        double seconds = span.Elapsed.TotalSeconds;
        if (seconds <= 0) return (0, 0);
        RunSnapshot before = span.RunBefore ?? new RunSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, double.NaN);
        return ((span.Run.ClipsTrained - before.ClipsTrained) / seconds, (span.Run.Step - before.Step) / seconds);
    }

    /// <summary>Videos finished (done, failed or skipped) per second over a span.</summary>
    public static double VideosPerSecond(this PipelineSnapshot span)
    {
        ArgumentNullException.ThrowIfNull(span);
        double seconds = span.Elapsed.TotalSeconds;
        RunSnapshot before = span.RunBefore ?? new RunSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, double.NaN);
        long finished = span.Run.VideosDone + span.Run.VideosFailed + span.Run.VideosSkipped - (before.VideosDone + before.VideosFailed + before.VideosSkipped);
        return seconds > 0 ? finished / seconds : 0;
    }
}
