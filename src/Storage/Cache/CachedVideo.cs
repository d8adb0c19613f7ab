namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// What one video's clip plan in a track set needs, kept beside its tracks so that a later run can plan the video
/// without decoding it: the decoded frame count the plan was cut from, and the plan's clips (keys in plan order, and
/// where each clip's first frame is in the file). Written atomically with the video's last part; trusted only while
/// every clip key it lists is finished.
/// </summary>
public sealed record CachedVideo
{
    /// <summary>SHA-256 (hex) of the video's content.</summary>
    public required string VideoHash { get; init; }

    /// <summary>Frames the decoder puts out for the track set's decode settings.</summary>
    public required int Frames { get; init; }

    /// <summary>The plan's clips, in clip index order.</summary>
    public required IReadOnlyList<CachedVideoClip> Clips { get; init; }
}

/// <summary>One clip of a <see cref="CachedVideo"/>'s plan.</summary>
/// <param name="Key">The clip's cache key.</param>
/// <param name="SeekSeconds">Where to seek to decode its first frame (null: decode from the start; frame folders).</param>
/// <param name="FirstStamp">The stamp the decoder prints for its first frame, by which a seek knows it has landed (null with <paramref name="SeekSeconds"/>).</param>
public sealed record CachedVideoClip(string Key, double? SeekSeconds, long? FirstStamp);
