using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Cache;

/// <summary>The one place a tracker's output becomes a cache row: Storage knows nothing of trackers, Stages nothing of the cache.</summary>
public static class CachedClips
{
    /// <summary>Clip <paramref name="clip"/> of <paramref name="result"/> as the row of clip <paramref name="clipIndex"/> of video <paramref name="videoHash"/>, keyed by <paramref name="set"/>.</summary>
    public static CachedClip From(TrackSet set, TrackResult result, int clip, string videoHash, string videoPath, int clipIndex,
        int[] frameIndices, double[] timestampsSeconds, int width, int height)
    {
        TrackResult one = result.Slice(clip);
        int cells = one.Frames * one.Points;
        float[] x = new float[cells], y = new float[cells];
        for (int i = 0; i < cells; i++)
        {
            x[i] = one.Positions[2 * i];
            y[i] = one.Positions[2 * i + 1];
        }

        return new CachedClip
        {
            ClipKey = set.ClipKey(videoHash, clipIndex, frameIndices),
            VideoHash = videoHash,
            VideoPath = videoPath,
            ClipIndex = clipIndex,
            FrameIndices = frameIndices,
            TimestampsSeconds = timestampsSeconds,
            Width = width,
            Height = height,
            Frames = one.Frames,
            Points = one.Points,
            QueryFrame = one.Queries.Select(q => q.Frame).ToArray(),
            QueryX = one.Queries.Select(q => q.X).ToArray(),
            QueryY = one.Queries.Select(q => q.Y).ToArray(),
            X = x,
            Y = y,
            Visible = one.Visible,
            Confidence = one.Confidence,
        };
    }
}
