using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>Clips, sets and folders for the cache tests.</summary>
internal static class CacheTestKit
{
    public static readonly TrackSet Set = new("lk/v1?window=21&levels=3", "grid16@0", "stretch224x224/bicubic", "frames12/stride12/v1");

    public static string VideoHash(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    /// <summary>A fresh, empty folder under the temp dir, deleted with the returned handle.</summary>
    public static TempDir NewDir() => new();

    /// <summary>
    /// A clip of made-up tracks with awkward floats (−0, subnormals, the largest float, NaN when
    /// <paramref name="withNaN"/>) so a lossy round trip shows; seeded by video and index, so it is reproducible.
    /// </summary>
    public static CachedClip Clip(TrackSet set, string video, int index, int frames = 4, int points = 3, bool confidence = true, bool withNaN = true)
    {
        var random = new Random(HashCode.Combine(video.Length, video[0], index));
        string hash = VideoHash(video);
        int[] frameIndices = Enumerable.Range(index * frames, frames).ToArray();
        int cells = frames * points;
        float[] Floats(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 224)).ToArray();
        float[] x = Floats(cells), y = Floats(cells);
        x[0] = -0.0f;
        if (cells > 1) x[1] = float.Epsilon;
        if (cells > 2) y[2] = float.MaxValue;
        if (withNaN && cells > 3) y[3] = float.NaN;
        return new CachedClip
        {
            ClipKey = set.ClipKey(hash, index, frameIndices),
            VideoHash = hash,
            VideoPath = $"/videos/{video}.mp4",
            ClipIndex = index,
            FrameIndices = frameIndices,
            TimestampsSeconds = frameIndices.Select(f => f / 29.97).ToArray(),
            Width = 224,
            Height = 224,
            Frames = frames,
            Points = points,
            QueryFrame = new int[points],
            QueryX = Floats(points),
            QueryY = Floats(points),
            X = x,
            Y = y,
            Visible = Enumerable.Range(0, cells).Select(_ => random.Next(3) > 0).ToArray(),
            Confidence = confidence ? Enumerable.Range(0, cells).Select(_ => (float)random.NextDouble()).ToArray() : null,
        };
    }

    /// <summary>Clip <paramref name="clip"/> of a tracker's batch result as the cache stores it.</summary>
    public static CachedClip FromTracks(TrackSet set, TrackResult result, int clip, string videoHash, string videoPath, int clipIndex, int[] frameIndices, double[] timestamps, int width, int height) =>
        MoSiC.Stream.Graph.Cache.CachedClips.From(set, result, clip, videoHash, videoPath, clipIndex, frameIndices, timestamps, width, height);

    /// <summary>Asserts two clips are equal field by field, floats and doubles bit for bit.</summary>
    public static void AssertSame(CachedClip expected, CachedClip actual)
    {
        Assert.Equal(expected.ClipKey, actual.ClipKey);
        Assert.Equal(expected.VideoHash, actual.VideoHash);
        Assert.Equal(expected.VideoPath, actual.VideoPath);
        Assert.Equal(expected.ClipIndex, actual.ClipIndex);
        Assert.Equal(expected.FrameIndices, actual.FrameIndices);
        Assert.Equal(Bits(expected.TimestampsSeconds), Bits(actual.TimestampsSeconds));
        Assert.Equal((expected.Width, expected.Height, expected.Frames, expected.Points), (actual.Width, actual.Height, actual.Frames, actual.Points));
        Assert.Equal(expected.QueryFrame, actual.QueryFrame);
        Assert.Equal(Bits(expected.QueryX), Bits(actual.QueryX));
        Assert.Equal(Bits(expected.QueryY), Bits(actual.QueryY));
        Assert.Equal(Bits(expected.X), Bits(actual.X));
        Assert.Equal(Bits(expected.Y), Bits(actual.Y));
        Assert.Equal(expected.Visible, actual.Visible);
        if (expected.Confidence is null) Assert.Null(actual.Confidence);
        else Assert.Equal(Bits(expected.Confidence), Bits(actual.Confidence!));
    }

    public static int[] Bits(float[] values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    public static long[] Bits(double[] values) => MemoryMarshal.Cast<double, long>(values).ToArray();

    public static async Task<List<CachedClip>> ReadAllAsync(TrajectoryCache cache, TrackSet set, string? video = null)
    {
        var clips = new List<CachedClip>();
        await foreach (CachedClip clip in cache.ReadAsync(set, video, CancellationToken.None)) clips.Add(clip);
        return clips;
    }

    /// <summary>Every part file of a partition.</summary>
    public static string[] Parts(TrajectoryCache cache, TrackSet set) =>
        Directory.GetFiles(Path.Combine(cache.Dir, "tracker=" + set.Id), "part-*.parquet").Order().ToArray();

    /// <summary>Cache options for tests: temporaries and orphans count as stale at once, no automatic compaction.</summary>
    public static TrajectoryCacheOptions TestOptions { get; } = new() { StaleAfter = TimeSpan.Zero, CompactAfterDeltas = 0, LockTimeout = TimeSpan.FromSeconds(5) };
}
