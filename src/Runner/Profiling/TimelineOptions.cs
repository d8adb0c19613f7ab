namespace MoSiC.Stream.Runner.Profiling;

/// <summary>How a <see cref="TimelineRecorder"/> samples; validated when the recorder is built.</summary>
public sealed record TimelineOptions
{
    /// <summary>Time between samples. Default 250 ms: fine enough to see a stall, coarse enough to cost nothing.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Most samples kept. Default 4000 (about 17 minutes at 250 ms before the first coarsening); past it adjacent
    /// pairs merge and the resolution halves, so memory stays bounded however long the run.
    /// </summary>
    public int MaxSamples { get; init; } = 4000;

    /// <summary>
    /// The clock the recorder's timer waits on. Default <see cref="TimeProvider.System"/>. Sample times are the run's
    /// (<see cref="Graph.Metrics.PipelineStats.Clock"/>); tests pass one manual clock to both.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (Interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Interval), Interval, $"timeline.interval must be > 0, got {Interval}");
        if (MaxSamples < 2) throw new ArgumentOutOfRangeException(nameof(MaxSamples), MaxSamples, $"timeline.maxSamples must be >= 2, got {MaxSamples}");
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
    }
}
