namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>
/// A byte bound on a buffer: a writer waits until the bytes already inside plus its own fit. An item larger than the
/// whole budget is let in alone (when the buffer is empty), so one big video slows the graph rather than deadlocking it.
/// </summary>
internal sealed class ByteBudget(long capacity)
{
    private readonly Lock _lock = new();
    private long _used;
    private TaskCompletionSource? _released;

    public long Capacity { get; } = capacity;

    public async ValueTask AcquireAsync(long bytes, CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_used == 0 || _used + bytes <= Capacity)
                {
                    _used += bytes;
                    return;
                }

                _released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _released.Task;
            }

            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    public void Release(long bytes)
    {
        TaskCompletionSource? waiting;
        lock (_lock)
        {
            _used -= bytes;
            (waiting, _released) = (_released, null);
        }

        waiting?.TrySetResult();
    }
}
