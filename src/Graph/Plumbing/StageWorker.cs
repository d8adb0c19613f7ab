using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>
/// One worker of a stage: its clock moves from state to state as it works (busy), waits for input (starved) and waits
/// for room downstream (blocked), so the stage's statistics count each state for exactly the time it lasts, including
/// a state still in progress when a snapshot is taken.
/// </summary>
public sealed class StageWorker
{
    /// <summary>A worker whose time counts toward <paramref name="stats"/>.</summary>
    public StageWorker(StageStats stats) : this(stats, counted: true)
    {
    }

    /// <summary>A worker of <paramref name="stats"/>; with <paramref name="counted"/> false it only counts items (a helper beside the stage's workers).</summary>
    public StageWorker(StageStats stats, bool counted)
    {
        ArgumentNullException.ThrowIfNull(stats);
        Stats = stats;
        Clock = counted ? stats.Worker() : WorkerClock.Detached();
    }

    public StageStats Stats { get; }

    /// <summary>The worker's state and since when.</summary>
    public WorkerClock Clock { get; }

    /// <summary>Runs <paramref name="work"/> as busy time; waits inside it (a full output buffer) count as their own state.</summary>
    public async ValueTask TimeAsync(Func<ValueTask> work)
    {
        WorkerState before = Clock.Enter(WorkerState.Busy);
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            Clock.Enter(before);
        }
    }

    /// <summary>Counts the time until the scope is disposed as <paramref name="state"/>, then goes back to the state before.</summary>
    public StateScope In(WorkerState state) => new(Clock, Clock.Enter(state));

    /// <summary>The state a worker is in for the length of a scope.</summary>
    public readonly struct StateScope(WorkerClock clock, WorkerState before) : IDisposable
    {
        public void Dispose() => clock.Enter(before);
    }
}
