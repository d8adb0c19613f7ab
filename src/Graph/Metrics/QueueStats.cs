namespace MoSiC.Stream.Graph.Metrics;

/// <summary>
/// Depth of one bounded buffer between stages, in items and (for frame-carrying buffers) bytes, with its bounds.
/// The buffer updates it on every write and read.
/// </summary>
public sealed class QueueStats(string name, int capacity, long? byteCapacity)
{
    private long _count, _bytes;

    /// <summary>Buffer name, <c>from→to</c>.</summary>
    public string Name { get; } = name;

    /// <summary>Most items the buffer holds.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Most bytes the buffer's items hold, or null when it carries no frames.</summary>
    public long? ByteCapacity { get; } = byteCapacity;

    /// <summary>Items in the buffer now.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Bytes of the items in the buffer now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Records an item entering the buffer.</summary>
    public void Entered(long bytes)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _bytes, bytes);
    }

    /// <summary>Records an item leaving the buffer.</summary>
    public void Left(long bytes)
    {
        Interlocked.Decrement(ref _count);
        Interlocked.Add(ref _bytes, -bytes);
    }

    /// <summary>The depth now.</summary>
    public QueueSnapshot Snapshot() => new(Name, Capacity, ByteCapacity, Count, Bytes);
}

/// <summary>A buffer's depth at one moment.</summary>
public sealed record QueueSnapshot(string Name, int Capacity, long? ByteCapacity, long Count, long Bytes);
