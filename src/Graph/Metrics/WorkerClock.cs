namespace MoSiC.Stream.Graph.Metrics;

/// <summary>
/// Which state one worker of a stage is in, and since when. The worker moves itself from state to state
/// (<see cref="Enter"/>); the stage's snapshots count the time.
/// </summary>
public sealed class WorkerClock
{
    private readonly StageStats? _stage;

    internal WorkerClock(StageStats? stage) => (_stage, Counted) = (stage, stage is not null);

    /// <summary>A clock whose time counts nowhere (a helper that only hands items on, beside the stage's counted workers).</summary>
    public static WorkerClock Detached() => new(null);

    /// <summary>The state now.</summary>
    public WorkerState State { get; internal set; }

    internal long Since { get; set; }

    internal bool Counted { get; }

    /// <summary>Moves to <paramref name="next"/>; returns the state left, to go back to after a nested wait.</summary>
    public WorkerState Enter(WorkerState next)
    {
        if (_stage is not null) return _stage.Switch(this, next);
        WorkerState left = State;
        State = next;
        return left;
    }
}
