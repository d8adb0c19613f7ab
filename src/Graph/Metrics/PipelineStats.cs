using System.Diagnostics;

namespace MoSiC.Stream.Graph.Metrics;

/// <summary>Every stage's and buffer's statistics of one run, in graph order, and the run's counters.</summary>
public sealed class PipelineStats
{
    private readonly List<StageStats> _stages = [];
    private readonly List<QueueStats> _queues = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The stages, in graph order.</summary>
    public IReadOnlyList<StageStats> Stages => _stages;

    /// <summary>The buffers, in graph order.</summary>
    public IReadOnlyList<QueueStats> Queues => _queues;

    /// <summary>Videos, clips and steps.</summary>
    public RunCounters Run { get; } = new();

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Registers a stage.</summary>
    public StageStats Stage(string name, int workers)
    {
        var stage = new StageStats(name, workers);
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

/// <summary>The whole run at one moment.</summary>
public sealed record PipelineSnapshot(TimeSpan Elapsed, IReadOnlyList<StageSnapshot> Stages, IReadOnlyList<QueueSnapshot> Queues, RunSnapshot Run);
