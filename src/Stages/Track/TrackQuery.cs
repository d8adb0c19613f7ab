namespace MoSiC.Stream.Stages.Track;

/// <summary>
/// One point to track: its position (x, y) in pixels of the input frame, pixel centres at integer
/// coordinates, on query frame <see cref="Frame"/>. CoTracker's row order is (t, x, y).
/// </summary>
public readonly record struct TrackQuery(int Frame, float X, float Y);
