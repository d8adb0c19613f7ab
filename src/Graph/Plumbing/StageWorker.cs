using System.Diagnostics;
using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>One worker of a stage: the handle through which its buffers charge waiting time, so the rest can be counted as busy.</summary>
public sealed class StageWorker(StageStats stats)
{
    private long _blocked;

    public StageStats Stats { get; } = stats;

    public void AddBlocked(long ticks)
    {
        _blocked += ticks;
        Stats.Blocked(ticks);
    }

    /// <summary>Runs <paramref name="work"/> and counts its time, less the time it spent blocked on output, as busy.</summary>
    public async ValueTask TimeAsync(Func<ValueTask> work)
    {
        long start = Stopwatch.GetTimestamp(), blocked = _blocked;
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            Stats.Busy(Stopwatch.GetTimestamp() - start - (_blocked - blocked));
        }
    }
}
