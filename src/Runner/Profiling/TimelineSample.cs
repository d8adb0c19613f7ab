namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// The graph over one span of the run: where each stage's workers spent the span, and how full each buffer was.
/// A stored sample may cover several sampling intervals once the recorder has coarsened its resolution.
/// </summary>
/// <param name="Elapsed">Run time at the end of the span.</param>
/// <param name="Duration">Length of the span.</param>
/// <param name="Stages">Per stage, in graph order.</param>
/// <param name="Queues">Per buffer, in graph order.</param>
public sealed record TimelineSample(TimeSpan Elapsed, TimeSpan Duration, IReadOnlyList<StageSample> Stages, IReadOnlyList<QueueSample> Queues)
{
    /// <summary>Run time at the start of the span.</summary>
    public TimeSpan Start => Elapsed - Duration;
}

/// <summary>
/// Fractions of a stage's worker time (span × workers) spent busy, starved and blocked, each in [0, 1], and its
/// output rate over the span.
/// </summary>
public sealed record StageSample(string Name, double Busy, double Starved, double Blocked, double ItemsOutPerSecond);

/// <summary>
/// A buffer's depth over a span: <see cref="Items"/> and <see cref="Bytes"/> are the time-weighted mean (the depth at
/// the sampling moment for a single-interval sample), the maxima the largest depth any merged sample saw.
/// </summary>
public sealed record QueueSample(string Name, int Capacity, long? ByteCapacity, double Items, double Bytes, long MaxItems, long MaxBytes)
{
    /// <summary>Mean fill, items over capacity, in [0, 1] (0 for a buffer with no capacity).</summary>
    public double Fill => Capacity > 0 ? Math.Clamp(Items / Capacity, 0, 1) : 0;
}
