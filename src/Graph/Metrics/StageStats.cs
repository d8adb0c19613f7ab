using System.Diagnostics;

namespace MoSiC.Stream.Graph.Metrics;

/// <summary>
/// What one stage of the graph did, summed over its workers: items and bytes in and out, and where its workers' time
/// went: busy (working on an item), starved (waiting for input) or blocked (waiting for room downstream).
/// Updated lock-free by the workers; read at any time through <see cref="Snapshot"/>.
/// </summary>
public sealed class StageStats(string name, int workers)
{
    private long _itemsIn, _bytesIn, _itemsOut, _bytesOut, _busy, _starved, _blocked;

    /// <summary>Stage name (decode, track, train, …).</summary>
    public string Name { get; } = name;

    /// <summary>Workers running the stage at once.</summary>
    public int Workers { get; } = workers;

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

    /// <summary>Adds <see cref="Stopwatch"/> ticks spent working.</summary>
    public void Busy(long ticks) => Interlocked.Add(ref _busy, ticks);

    /// <summary>Adds <see cref="Stopwatch"/> ticks spent waiting for input.</summary>
    public void Starved(long ticks) => Interlocked.Add(ref _starved, ticks);

    /// <summary>Adds <see cref="Stopwatch"/> ticks spent waiting for room in the output.</summary>
    public void Blocked(long ticks) => Interlocked.Add(ref _blocked, ticks);

    /// <summary>The totals so far.</summary>
    public StageSnapshot Snapshot() => new(Name, Workers,
        Interlocked.Read(ref _itemsIn), Interlocked.Read(ref _bytesIn), Interlocked.Read(ref _itemsOut), Interlocked.Read(ref _bytesOut),
        Seconds(ref _busy), Seconds(ref _starved), Seconds(ref _blocked));

    private static double Seconds(ref long ticks) => (double)Interlocked.Read(ref ticks) / Stopwatch.Frequency;
}

/// <summary>A stage's totals at one moment; times are worker-seconds (summed over workers).</summary>
public sealed record StageSnapshot(string Name, int Workers, long ItemsIn, long BytesIn, long ItemsOut, long BytesOut,
    double BusySeconds, double StarvedSeconds, double BlockedSeconds);
