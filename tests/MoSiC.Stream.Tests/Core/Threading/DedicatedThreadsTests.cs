using System.Collections.Concurrent;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Core.Threading;

namespace MoSiC.Stream.Tests.Core.Threading;

/// <summary>CPU-bound work on threads of its own: never the thread pool's, and nested parallel loops finish.</summary>
public sealed class DedicatedThreadsTests
{
    [Fact]
    public async Task Work_and_the_parallel_loops_it_starts_run_on_the_dedicated_threads_only()
    {
        using var threads = new DedicatedThreads("test", 2);
        var names = new ConcurrentBag<string?>();
        var poolThreads = new ConcurrentBag<bool>();
        int sum = await threads.RunAsync(() =>
        {
            int total = 0;
            // As LK does: a loop over a batch's clips, on the same scheduler, waited for by a thread of it.
            Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 2, TaskScheduler = threads }, i =>
            {
                names.Add(Thread.CurrentThread.Name);
                poolThreads.Add(Thread.CurrentThread.IsThreadPoolThread);
                Thread.SpinWait(10_000);
                Interlocked.Add(ref total, i);
            });
            return total;
        }, default).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(120, sum);
        Assert.Equal(16, names.Count);
        Assert.All(names, n => Assert.StartsWith("mosic-test-", n));
        Assert.DoesNotContain(true, poolThreads);
        Assert.Equal(2, threads.MaximumConcurrencyLevel);
    }

    [Fact]
    public async Task A_failure_reaches_the_caller_and_the_threads_go_on()
    {
        using var threads = new DedicatedThreads("test", 1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => threads.RunAsync(() => throw new InvalidOperationException("step failed"), default));
        Assert.Equal(7, await threads.RunAsync(() => 7, default));
    }

    [Fact]
    public void The_budget_counts_ffmpeg_tracker_and_torch_threads_and_says_when_they_exceed_the_cores()
    {
        var threads = new ThreadOptions { DecodeWorkers = 2, FfmpegThreads = 1, Tracker = 2, Torch = 4 };
        ThreadBudget run = ThreadBudget.Plan(threads, tracks: true, torch: true, cores: 16);
        Assert.Equal((2, 2, 4, 8), (run.Ffmpeg, run.Tracker, run.Torch, run.Total));
        Assert.DoesNotContain("more than the cores", run.Describe());
        ThreadBudget small = ThreadBudget.Plan(threads, tracks: true, torch: false, cores: 2);
        Assert.Equal(4, small.Total);
        Assert.Contains("more than the cores", small.Describe());
        Assert.Equal(0, ThreadBudget.Plan(threads, tracks: false, torch: true, cores: 2).Tracker);
    }
}
