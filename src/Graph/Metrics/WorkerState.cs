namespace MoSiC.Stream.Graph.Metrics;

/// <summary>Where a worker's time is going now.</summary>
public enum WorkerState
{
    /// <summary>Not counted: before it starts, after it ends, between items.</summary>
    Idle,

    /// <summary>Working on an item.</summary>
    Busy,

    /// <summary>Waiting for input.</summary>
    Starved,

    /// <summary>Waiting for room downstream.</summary>
    Blocked,
}
