using MoSiC.Stream.Storage.Cache;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>Bad input is refused at the edge, before any file is written, with the clip and field named.</summary>
public sealed class ValidationTests
{
    public static TheoryData<string, Func<CachedClip, CachedClip>, string> BadClips => new()
    {
        { "short x", c => c with { X = c.X[1..] }, "x must hold T·N = 12 values, got 11" },
        { "missing visible", c => c with { Visible = null! }, "visible must not be null" },
        { "confidence length", c => c with { Confidence = new float[5] }, "confidence must hold T·N" },
        { "query frame outside", c => c with { QueryFrame = [0, 9, 0] }, "query_frame[1] = 9" },
        { "upper-case key", c => c with { ClipKey = c.ClipKey.ToUpperInvariant() }, "clip_key must be 64 lower-case hex" },
        { "key of another set", c => c with { ClipKey = (Set with { Tracker = "other" }).ClipKey(c.VideoHash, c.ClipIndex, c.FrameIndices) }, "was it made for another set" },
        { "zero points", c => c with { Points = 0 }, "points (N) must be >= 1" },
    };

    [Theory]
    [MemberData(nameof(BadClips))]
    public async Task A_bad_clip_is_refused_with_its_field_named(string why, Func<CachedClip, CachedClip> spoil, string message)
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => cache.WriteAsync(Set, [Clip(Set, "a", 0), spoil(Clip(Set, "a", 1))], CancellationToken.None));
        Assert.Contains("clips[1]", e.Message);
        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"{why}: {e.Message}");
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "tracker=" + Set.Id)));
        Assert.Empty(cache.FinishedClips(Set));
    }

    [Fact]
    public async Task The_same_clip_twice_in_one_write_is_refused()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => cache.WriteAsync(Set, [Clip(Set, "a", 0), Clip(Set, "a", 0)], CancellationToken.None));
        Assert.Contains("appears twice", e.Message);
    }

    [Fact]
    public void Options_are_checked_when_the_cache_opens()
    {
        using var dir = NewDir();
        Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryCache.Open(dir.Path, new TrajectoryCacheOptions { CompactAfterDeltas = -1 }));
        Assert.Throws<ArgumentException>(() => TrajectoryCache.Open(" "));
        File.WriteAllText(Path.Combine(dir.Path, "file"), "");
        Assert.Throws<IOException>(() => TrajectoryCache.Open(Path.Combine(dir.Path, "file")));
    }
}
