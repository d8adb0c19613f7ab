using System.Diagnostics;

namespace MoSiC.Stream.Graph.Metrics;

/// <summary>
/// What one stage of the graph did, summed over its workers: items and bytes in and out, and where its workers' time
/// went: busy (working on an item), starved (waiting for input) or blocked (waiting for room downstream). Each worker
/// has a <see cref="WorkerClock"/> that says which of these it is in since when, so a <see cref="Snapshot"/> counts the
/// state each worker is in right now up to now: a 2 s step shows as busy in every interval it spans, and a wait still
/// in progress is never missing. Updated by the workers; read at any time.
/// </summary>
public sealed class StageStats
{
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly List<WorkerClock> _workers = [];
    private long _itemsIn, _bytesIn, _itemsOut, _bytesOut;
    private double _busy, _starved, _blocked;

    /// <summary>A stage timed by the system clock.</summary>
    public StageStats(string name, int workers) : this(name, workers, TimeProvider.System)
    {
    }

    /// <summary>A stage timed by <paramref name="clock"/> (the run's clock; tests pass a manual one).</summary>
    public StageStats(string name, int workers, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        (Name, Workers, _clock) = (name, workers, clock);
    }

    /// <summary>Stage name (decode, track, train, …).</summary>
    public string Name { get; }

    /// <summary>Workers running the stage at once.</summary>
    public int Workers { get; }

    /// <summary>Counts one item taken from the input.</summary>
    public void Received(long bytes)
    {
        Interlocked.Increment(ref _itemsIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    /// <summary>Counts one item handed to the output.</summary>
    public void Sent(long bytes)
    {
        Interlocked.Increment(ref _itemsOut);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    /// <summary>A new worker of this stage, idle until it enters a state; its time counts toward the stage's totals.</summary>
    public WorkerClock Worker()
    {
        var worker = new WorkerClock(this);
        lock (_gate) _workers.Add(worker);
        return worker;
    }

    /// <summary>Adds <see cref="Stopwatch"/> ticks of busy time that happened outside any worker clock.</summary>
    public void Busy(long ticks) => Add(WorkerState.Busy, (double)ticks / Stopwatch.Frequency);

    /// <summary>Adds <see cref="Stopwatch"/> ticks spent waiting for input, outside any worker clock.</summary>
    public void Starved(long ticks) => Add(WorkerState.Starved, (double)ticks / Stopwatch.Frequency);

    /// <summary>Adds <see cref="Stopwatch"/> ticks spent waiting for room in the output, outside any worker clock.</summary>
    public void Blocked(long ticks) => Add(WorkerState.Blocked, (double)ticks / Stopwatch.Frequency);

    /// <summary>The totals so far, each worker's current state counted up to now.</summary>
    public StageSnapshot Snapshot()
    {
        double busy, starved, blocked;
        lock (_gate)
        {
            (busy, starved, blocked) = (_busy, _starved, _blocked);
            long now = _clock.GetTimestamp();
            foreach (WorkerClock worker in _workers)
            {
                double open = Seconds(now - worker.Since);
                switch (worker.State)
                {
                    case WorkerState.Busy: busy += open; break;
                    case WorkerState.Starved: starved += open; break;
                    case WorkerState.Blocked: blocked += open; break;
                }
            }
        }

        return new StageSnapshot(Name, Workers, Interlocked.Read(ref _itemsIn), Interlocked.Read(ref _bytesIn), Interlocked.Read(ref _itemsOut), Interlocked.Read(ref _bytesOut),
            busy, starved, blocked);
    }

    /// <summary>Moves <paramref name="worker"/> to <paramref name="next"/>, closing the time of the state it leaves; returns that state.</summary>
    internal WorkerState Switch(WorkerClock worker, WorkerState next)
    {
        lock (_gate)
        {
            long now = _clock.GetTimestamp();
            WorkerState left = worker.State;
            if (worker.Counted) AddLocked(left, Seconds(now - worker.Since));
            (worker.State, worker.Since) = (next, now);
            return left;
        }
    }

    private void Add(WorkerState state, double seconds)
    {
        lock (_gate) AddLocked(state, seconds);
    }

    private void AddLocked(WorkerState state, double seconds)
    {
        switch (state)
        {
            case WorkerState.Busy: _busy += seconds; break;
            case WorkerState.Starved: _starved += seconds; break;
            case WorkerState.Blocked: _blocked += seconds; break;
        }
    }

    private double Seconds(long ticks) => (double)ticks / _clock.TimestampFrequency;
}

/// <summary>A stage's totals at one moment; times are worker-seconds (summed over workers).</summary>
public sealed record StageSnapshot(string Name, int Workers, long ItemsIn, long BytesIn, long ItemsOut, long BytesOut,
    double BusySeconds, double StarvedSeconds, double BlockedSeconds);
