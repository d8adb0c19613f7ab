using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Runner.Progress;

/// <summary>
/// Recent snapshots, so rates and the "bottleneck now" describe the last few seconds rather than the whole run:
/// a run that sped up or stalled shows it at once.
/// </summary>
internal sealed class RateWindow(TimeSpan width)
{
    private readonly Queue<PipelineSnapshot> _history = new();

    /// <summary>Adds <paramref name="now"/>; returns the span from the oldest snapshot still in the window to it.</summary>
    public PipelineSnapshot Push(PipelineSnapshot now)
    {
        // Keep one snapshot at least the window's width old, so the span is never shorter than the window once the
        // run is that old.
        while (_history.Count > 1 && now.Elapsed - _history.ElementAt(1).Elapsed >= width) _history.Dequeue();
        var span = _history.Count > 0 ? now.Since(_history.Peek()) : now;
        _history.Enqueue(now);
        return span;
    }
}
