namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// One pass of a model over frames [<see cref="Start"/>, <see cref="End"/>) of a clip; its tracks are kept from
/// frame <see cref="Cut"/> on (earlier frames belong to the previous window).
/// </summary>
public readonly record struct TrackWindow(int Start, int End, int Cut)
{
    /// <summary>Frames in the window.</summary>
    public int Length => End - Start;
}

/// <summary>
/// Splits a clip longer than the model's window into overlapping windows, so memory depends on the window, never on
/// the clip: each window after the first starts <c>window − overlap</c> frames after the previous one (the last is
/// aligned to the clip's end), and hands over in the middle of its overlap with the previous window.
/// </summary>
public static class TrackWindows
{
    /// <summary>The windows covering <paramref name="frames"/> frames; one window when the clip fits.</summary>
    public static IReadOnlyList<TrackWindow> Plan(int frames, int window, int overlap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(overlap, window);
        if (frames <= window) return [new TrackWindow(0, frames, 0)];

        var windows = new List<TrackWindow> { new(0, window, 0) };
        TrackWindow last = windows[0];
        while (last.End < frames)
        {
            int start = Math.Min(last.Start + window - overlap, frames - window);
            // At least one shared frame, so the next window can be anchored on the previous one's tracks.
            start = Math.Min(start, last.End - 1);
            last = new TrackWindow(start, start + window, start + (last.End - start) / 2);
            windows.Add(last);
        }

        return windows;
    }
}
