namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// The tracks of one clip as the cache stores them: one Parquet row. Positions are pixels of the tracked frame
/// (<see cref="Width"/> × <see cref="Height"/>), pixel centres at integer coordinates; arrays are (T, N) row-major,
/// frame-major, so <c>X[t * Points + n]</c> is point n on the clip's frame t.
/// </summary>
public sealed record CachedClip
{
    /// <summary>Content key of the clip (lower-case hex SHA-256): video hash + every setting that changes its tracks.</summary>
    public required string ClipKey { get; init; }

    /// <summary>SHA-256 (hex) of the video's content.</summary>
    public required string VideoHash { get; init; }

    /// <summary>The video's path when it was tracked (informational; identity is the hash).</summary>
    public required string VideoPath { get; init; }

    /// <summary>Position of the clip in the video's clip plan.</summary>
    public required int ClipIndex { get; init; }

    /// <summary>Decoded-frame indices of the clip's T frames.</summary>
    public required int[] FrameIndices { get; init; }

    /// <summary>Presentation time of each of the T frames, in seconds from the first decoded frame.</summary>
    public required double[] TimestampsSeconds { get; init; }

    /// <summary>Width of the tracked frames in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Height of the tracked frames in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>T.</summary>
    public required int Frames { get; init; }

    /// <summary>N.</summary>
    public required int Points { get; init; }

    /// <summary>Per point: query frame (index into the clip), and query position.</summary>
    public required int[] QueryFrame { get; init; }

    public required float[] QueryX { get; init; }

    public required float[] QueryY { get; init; }

    /// <summary>(T, N) x positions.</summary>
    public required float[] X { get; init; }

    /// <summary>(T, N) y positions.</summary>
    public required float[] Y { get; init; }

    /// <summary>(T, N) visibility.</summary>
    public required bool[] Visible { get; init; }

    /// <summary>(T, N) confidence in [0, 1], or null when the tracker has none.</summary>
    public float[]? Confidence { get; init; }
}
