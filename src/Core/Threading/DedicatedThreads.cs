using System.Collections.Concurrent;

namespace MoSiC.Stream.Core.Threading;

/// <summary>
/// A task scheduler with threads of its own, for CPU-bound work that takes a core for hundreds of milliseconds or
/// seconds at a time: Lucas-Kanade on a batch, a training step, CoTracker on the CPU. On the shared thread pool such
/// work holds pool threads while the async continuations that keep the other stages moving (pipe hand-offs, ffmpeg
/// reads) queue behind it, and the pool answers by adding threads (3 grew to 11 in issue #6's runs). Here the work
/// waits for one of <see cref="MaximumConcurrencyLevel"/> named threads instead, and the pool stays free and small.
/// </summary>
/// <remarks>
/// The queue is as long as its callers make it: each CPU-bound stage submits at most its own thread count of tasks at
/// a time (the stage awaits them), so it cannot grow without bound. A thread blocked on a task of this scheduler runs
/// it inline (a <c>Parallel.For</c> started here waits on its own replicas), so nested work cannot deadlock.
/// </remarks>
public sealed class DedicatedThreads : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;
    [ThreadStatic]
    private static DedicatedThreads? _current;

    /// <summary>Starts <paramref name="count"/> background threads named <c>mosic-<paramref name="name"/>-i</c>.</summary>
    public DedicatedThreads(string name, int count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Name = name;
        _threads = [.. Enumerable.Range(0, count).Select(i => new Thread(Work) { IsBackground = true, Name = $"mosic-{name}-{i}" })];
        foreach (Thread thread in _threads) thread.Start();
    }

    /// <summary>What the threads are for (track, train).</summary>
    public string Name { get; }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Runs <paramref name="work"/> on one of the threads.</summary>
    public Task RunAsync(Action work, CancellationToken ct) =>
        Task.Factory.StartNew(work, ct, TaskCreationOptions.DenyChildAttach, this);

    /// <summary>Runs <paramref name="work"/> on one of the threads and returns its result.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken ct) =>
        Task.Factory.StartNew(work, ct, TaskCreationOptions.DenyChildAttach, this);

    /// <summary>Lets the threads finish what is queued, then ends them.</summary>
    public void Dispose()
    {
        if (_queue.IsAddingCompleted) return;
        _queue.CompleteAdding();
        foreach (Thread thread in _threads)
        {
            if (thread != Thread.CurrentThread) thread.Join();
        }

        _queue.Dispose();
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task) => _queue.Add(task);

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _current == this && (!taskWasPreviouslyQueued || TryDequeue(task)) && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        _current = this;
        foreach (Task task in _queue.GetConsumingEnumerable()) TryExecuteTask(task);
    }
}
