using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>What the graph can say about any of its buffers without knowing the item type.</summary>
public interface IPipe
{
    string Name { get; }

    /// <summary>Most items the buffer holds (always finite).</summary>
    int Capacity { get; }

    /// <summary>Most bytes of frames the buffer holds, or null for buffers that carry no frames.</summary>
    long? ByteCapacity { get; }

    /// <summary>One writer is done; the buffer completes when the last one is.</summary>
    void CompleteWriter();

    /// <summary>A writer failed: the buffer completes now with <paramref name="error"/>, which its reader rethrows.</summary>
    void Fault(Exception error);
}

/// <summary>
/// A bounded buffer between stages: a bounded <see cref="Channel{T}"/> of items, and for frame-carrying buffers a byte
/// budget too. Writers that find it full wait (backpressure) and that wait is charged to them as blocked time; readers
/// that find it empty are charged starved time. It completes when every one of its writers has completed (fan-in),
/// or at once when one of them fails.
/// </summary>
public sealed class Pipe<T> : IPipe
{
    private readonly Channel<(T Item, long Bytes)> _channel;
    private readonly ByteBudget? _bytes;
    private readonly QueueStats _stats;
    private int _writers;

    public Pipe(PipelineStats stats, string name, int capacity, long? byteCapacity = null, int writers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        Name = name;
        Capacity = capacity;
        ByteCapacity = byteCapacity;
        _writers = writers;
        _bytes = byteCapacity is { } b ? new ByteBudget(b) : null;
        _channel = Channel.CreateBounded<(T, long)>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        _stats = stats.Queue(name, capacity, byteCapacity);
    }

    public string Name { get; }

    public int Capacity { get; }

    public long? ByteCapacity { get; }

    /// <summary>Items inside now.</summary>
    public long Count => _stats.Count;

    /// <summary>Puts <paramref name="item"/> in, waiting for room; the wait is <paramref name="writer"/>'s blocked time.</summary>
    public async ValueTask WriteAsync(T item, long bytes, StageWorker writer, CancellationToken ct)
    {
        using (writer.In(WorkerState.Blocked))
        {
            if (_bytes is not null) await _bytes.AcquireAsync(bytes, ct).ConfigureAwait(false);
            try
            {
                await _channel.Writer.WriteAsync((item, bytes), ct).ConfigureAwait(false);
            }
            catch
            {
                _bytes?.Release(bytes);
                throw;
            }

            _stats.Entered(bytes);
            writer.Stats.Sent(bytes);
        }
    }

    /// <summary>Puts in an item the buffer's reader will own; when it cannot go in (cancelled, faulted) it is disposed here, never leaked.</summary>
    public async ValueTask WriteOwnedAsync<TOwned>(TOwned item, long bytes, StageWorker writer, CancellationToken ct) where TOwned : T, IDisposable
    {
        try
        {
            await WriteAsync(item, bytes, writer, ct).ConfigureAwait(false);
        }
        catch
        {
            item.Dispose();
            throw;
        }
    }

    /// <summary>Takes items until the buffer completes; time spent waiting is <paramref name="reader"/>'s starved time.</summary>
    public async IAsyncEnumerable<T> ReadAllAsync(StageWorker reader, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            bool more;
            using (reader.In(WorkerState.Starved)) more = await _channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false);
            if (!more) yield break;
            while (_channel.Reader.TryRead(out var entry))
            {
                _bytes?.Release(entry.Bytes);
                _stats.Left(entry.Bytes);
                reader.Stats.Received(entry.Bytes);
                yield return entry.Item;
            }
        }
    }

    /// <inheritdoc />
    public void CompleteWriter()
    {
        if (Interlocked.Decrement(ref _writers) == 0) _channel.Writer.TryComplete();
    }

    /// <inheritdoc />
    public void Fault(Exception error) => _channel.Writer.TryComplete(error);

    /// <summary>Takes whatever is still inside (after a failed or cancelled run), so its frames can be released.</summary>
    public IEnumerable<T> Drain()
    {
        while (_channel.Reader.TryRead(out var entry))
        {
            _bytes?.Release(entry.Bytes);
            _stats.Left(entry.Bytes);
            yield return entry.Item;
        }
    }
}
