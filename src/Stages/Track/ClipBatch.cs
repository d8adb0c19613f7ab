namespace MoSiC.Stream.Stages.Track;

/// <summary>One clip to track: T RGB24 frames (row-major, no padding), oldest first. The caller owns the pixels.</summary>
/// <param name="Id">Name for messages (the clip key in a run).</param>
/// <param name="Frames">The frames.</param>
/// <param name="Origin">Where the frames come from, when known: trackers that read a source's own ground truth
/// instead of its pixels (synthetic-truth) need it; pixel trackers ignore it.</param>
public sealed record TrackClip(string Id, IReadOnlyList<ReadOnlyMemory<byte>> Frames, ClipOrigin? Origin = null);

/// <summary>The source of a clip's frames: the video file and each frame's presentation time in it.</summary>
/// <param name="VideoPath">The decoded video (or frame folder).</param>
/// <param name="TimestampsSeconds">Per frame of the clip, seconds from the video's first decoded frame.</param>
public sealed record ClipOrigin(string VideoPath, IReadOnlyList<double> TimestampsSeconds);

/// <summary>
/// B clips of the same length and frame size, tracked together (one GPU call for learned trackers,
/// clips in parallel for the CPU tracker). Construction checks shapes and names the offending clip.
/// </summary>
public sealed class ClipBatch
{
    /// <summary>Checks that every clip has the same frame count and every frame is width·height·3 bytes.</summary>
    public ClipBatch(int width, int height, IReadOnlyList<TrackClip> clips)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (clips.Count == 0) throw new ArgumentException("a batch needs at least one clip", nameof(clips));

        int frames = clips[0].Frames.Count;
        if (frames == 0) throw new ArgumentException($"clip {clips[0].Id} has no frames", nameof(clips));
        int bytes = width * height * 3;
        foreach (TrackClip clip in clips)
        {
            if (clip.Frames.Count != frames)
                throw new ArgumentException($"clip {clip.Id} has {clip.Frames.Count} frames, the batch has {frames}", nameof(clips));
            for (int t = 0; t < frames; t++)
            {
                if (clip.Frames[t].Length != bytes)
                    throw new ArgumentException($"clip {clip.Id} frame {t} has {clip.Frames[t].Length} bytes, a {width}×{height} RGB24 frame has {bytes}", nameof(clips));
            }
        }

        (Width, Height, Frames, Clips) = (width, height, frames, clips);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Frames per clip (T).</summary>
    public int Frames { get; }

    public IReadOnlyList<TrackClip> Clips { get; }

    /// <summary>Clips in the batch (B).</summary>
    public int Count => Clips.Count;
}
