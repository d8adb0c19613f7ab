namespace MoSiC.Stream.Graph.Metrics;

/// <summary>
/// Every stage's and buffer's statistics of one run, in graph order, and the run's counters, all on one clock: the run's
/// time starts when the statistics are made, and stages, summary, timeline and progress all measure from it.
/// </summary>
public sealed class PipelineStats
{
    private readonly List<StageStats> _stages = [];
    private readonly List<QueueStats> _queues = [];
    private readonly long _origin;

    /// <summary>Statistics timed by <paramref name="clock"/> (default the system clock; tests pass a manual one).</summary>
    public PipelineStats(TimeProvider? clock = null)
    {
        Clock = clock ?? TimeProvider.System;
        _origin = Clock.GetTimestamp();
    }

    /// <summary>The run's clock.</summary>
    public TimeProvider Clock { get; }

    /// <summary>The stages, in graph order.</summary>
    public IReadOnlyList<StageStats> Stages => _stages;

    /// <summary>The buffers, in graph order.</summary>
    public IReadOnlyList<QueueStats> Queues => _queues;

    /// <summary>Videos, clips and steps.</summary>
    public RunCounters Run { get; } = new();

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => Clock.GetElapsedTime(_origin);

    /// <summary>Registers a stage.</summary>
    public StageStats Stage(string name, int workers)
    {
        var stage = new StageStats(name, workers, Clock);
        lock (_stages) _stages.Add(stage);
        return stage;
    }

    /// <summary>Registers a buffer.</summary>
    public QueueStats Queue(string name, int capacity, long? byteCapacity)
    {
        var queue = new QueueStats(name, capacity, byteCapacity);
        lock (_queues) _queues.Add(queue);
        return queue;
    }

    /// <summary>Everything now.</summary>
    public PipelineSnapshot Snapshot()
    {
        lock (_stages)
        lock (_queues)
            return new PipelineSnapshot(Elapsed, [.. _stages.Select(s => s.Snapshot())], [.. _queues.Select(q => q.Snapshot())], Run.Snapshot());
    }
}

/// <summary>The whole run at one moment (or, from <see cref="SnapshotMath.Since"/>, over a span).</summary>
public sealed record PipelineSnapshot(TimeSpan Elapsed, IReadOnlyList<StageSnapshot> Stages, IReadOnlyList<QueueSnapshot> Queues, RunSnapshot Run)
{
    /// <summary>For a span: the run's counters at its start, so rates of videos, clips and steps can be taken; null for a moment.</summary>
    public RunSnapshot? RunBefore { get; init; }
}
