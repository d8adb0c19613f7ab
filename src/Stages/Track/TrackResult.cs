namespace MoSiC.Stream.Stages.Track;

/// <summary>
/// Tracks of a batch: positions (B, T, N, 2) as (x, y) pixels of the input frame, visibility (B, T, N),
/// and confidence (B, T, N) when the tracker has one. Flat row-major arrays, so they copy straight into
/// tensors or Parquet columns.
/// </summary>
public sealed class TrackResult
{
    public TrackResult(int clips, int frames, IReadOnlyList<TrackQuery> queries, float[] positions, bool[] visible, float[]? confidence = null)
    {
        int cells = clips * frames * queries.Count;
        if (positions.Length != cells * 2) throw new ArgumentException($"positions must hold B·T·N·2 = {cells * 2} values, got {positions.Length}", nameof(positions));
        if (visible.Length != cells) throw new ArgumentException($"visible must hold B·T·N = {cells} values, got {visible.Length}", nameof(visible));
        if (confidence is not null && confidence.Length != cells) throw new ArgumentException($"confidence must hold B·T·N = {cells} values, got {confidence.Length}", nameof(confidence));
        (Clips, Frames, Queries, Positions, Visible, Confidence) = (clips, frames, queries, positions, visible, confidence);
    }

    /// <summary>B.</summary>
    public int Clips { get; }

    /// <summary>T.</summary>
    public int Frames { get; }

    /// <summary>N.</summary>
    public int Points => Queries.Count;

    /// <summary>The resolved queries, in point order.</summary>
    public IReadOnlyList<TrackQuery> Queries { get; }

    /// <summary>(B, T, N, 2): x then y.</summary>
    public float[] Positions { get; }

    /// <summary>(B, T, N).</summary>
    public bool[] Visible { get; }

    /// <summary>(B, T, N) in [0, 1], or null when the tracker has no confidence.</summary>
    public float[]? Confidence { get; }

    /// <summary>Flat index of (clip, frame, point) into <see cref="Visible"/>; twice it indexes <see cref="Positions"/>.</summary>
    public int Index(int clip, int frame, int point) => (clip * Frames + frame) * Points + point;

    public float X(int clip, int frame, int point) => Positions[2 * Index(clip, frame, point)];

    public float Y(int clip, int frame, int point) => Positions[2 * Index(clip, frame, point) + 1];

    public bool IsVisible(int clip, int frame, int point) => Visible[Index(clip, frame, point)];

    /// <summary>The share of (frame, point) cells marked visible, over the whole batch.</summary>
    public double VisibleShare() => Visible.Length == 0 ? 0 : Visible.Count(v => v) / (double)Visible.Length;

    /// <summary>Clip <paramref name="clip"/> alone, as a B = 1 result.</summary>
    public TrackResult Slice(int clip)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clip);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(clip, Clips);
        int cells = Frames * Points;
        return new TrackResult(1, Frames, Queries,
            Positions.AsSpan(clip * cells * 2, cells * 2).ToArray(),
            Visible.AsSpan(clip * cells, cells).ToArray(),
            Confidence?.AsSpan(clip * cells, cells).ToArray());
    }
}
