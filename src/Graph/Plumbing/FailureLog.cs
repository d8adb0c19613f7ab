using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Graph.Plumbing;

/// <summary>
/// The run's quarantine list: every video that failed, with the stage and the reason. It also keeps the
/// consecutive-failure breaker: after <c>limit</c> failures with no success in between, the inputs are presumed all
/// broken and the run is asked to stop, rather than working through a corpus of failures.
/// </summary>
public sealed class FailureLog(int limit, Action<string> log, Action<string> trip)
{
    private readonly List<FailureRecord> _records = [];
    private readonly Lock _lock = new();
    private int _streak;

    /// <summary>Why the breaker stopped the run, or null.</summary>
    public string? Tripped { get; private set; }

    public IReadOnlyList<FailureRecord> Records
    {
        get
        {
            lock (_lock) return [.. _records];
        }
    }

    public void Failed(FailureRecord record)
    {
        string? reason = null;
        lock (_lock)
        {
            _records.Add(record);
            if (++_streak >= limit && Tripped is null)
                reason = Tripped = $"stopped after {_streak} videos in a row failed (runtime.maxConsecutiveFailures = {limit}; the last: {record}): the inputs look broken; check the corpus and the decode settings";
        }

        log($"  failed {Path.GetFileName(record.Path.TrimEnd('/'))}: {record.Stage}: {record.Reason}");
        if (reason is not null) trip(reason);
    }

    public void Succeeded()
    {
        lock (_lock) _streak = 0;
    }
}
