using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>
/// Plan records (<see cref="CachedVideo"/>): written in the same manifest entry as a video's last part, or alone;
/// the newest wins; compaction keeps them and gc drops those of removed videos.
/// </summary>
public sealed class VideoRecordTests
{
    private static CachedVideo Record(string video, int frames, params CachedClip[] clips) => new()
    {
        VideoHash = CacheTestKit.VideoHash(video),
        Frames = frames,
        Clips = [.. clips.Select((c, i) => new CachedVideoClip(c.ClipKey, i == 0 ? null : 1.5 * i, i == 0 ? null : 36L * i))],
    };

    [Fact]
    public async Task A_record_appears_with_its_part_survives_compaction_and_gc_drops_it_with_its_video()
    {
        using var dir = CacheTestKit.NewDir();
        TrajectoryCache cache = TrajectoryCache.Open(dir.Path, CacheTestKit.TestOptions);
        var set = CacheTestKit.Set;
        CachedClip a0 = CacheTestKit.Clip(set, "a", 0), a1 = CacheTestKit.Clip(set, "a", 1), b0 = CacheTestKit.Clip(set, "b", 0);

        await cache.WriteAsync(set, [a0], default);
        Assert.Empty(cache.Videos(set));
        await cache.WriteAsync(set, [a1, b0], [Record("a", 90, a0, a1)], null, default);
        // A video whose clips were all cached: the record alone.
        await cache.WriteAsync(set, [], [Record("b", 48, b0)], null, default);

        var videos = cache.Videos(set);
        Assert.Equal(2, videos.Count);
        CachedVideo a = videos[CacheTestKit.VideoHash("a")];
        Assert.Equal(90, a.Frames);
        Assert.Equal([a0.ClipKey, a1.ClipKey], a.Clips.Select(c => c.Key));
        Assert.Equal((1.5, 36L), (a.Clips[1].SeekSeconds!.Value, a.Clips[1].FirstStamp!.Value));
        Assert.Null(a.Clips[0].SeekSeconds);
        Assert.Equal(3, cache.FinishedClips(set).Count);
        Assert.Empty(cache.Videos(CacheTestKit.Set with { Tracker = "other" }));

        // The newest record of a video wins.
        await cache.WriteAsync(set, [], [Record("b", 50, b0)], null, default);
        Assert.Equal(50, cache.Videos(set)[CacheTestKit.VideoHash("b")].Frames);

        await cache.CompactAsync(default);
        Assert.Equal(2, TrajectoryCache.Open(dir.Path, CacheTestKit.TestOptions).Videos(set).Count);

        await cache.CollectAsync(new HashSet<string> { CacheTestKit.VideoHash("a") }, default);
        var kept = TrajectoryCache.Open(dir.Path, CacheTestKit.TestOptions).Videos(set);
        Assert.Equal([CacheTestKit.VideoHash("a")], kept.Keys);
    }

    [Fact]
    public async Task A_record_without_frames_or_clips_is_refused()
    {
        using var dir = CacheTestKit.NewDir();
        TrajectoryCache cache = TrajectoryCache.Open(dir.Path, CacheTestKit.TestOptions);
        var empty = new CachedVideo { VideoHash = CacheTestKit.VideoHash("a"), Frames = 10, Clips = [] };
        await Assert.ThrowsAsync<ArgumentException>(() => cache.WriteAsync(CacheTestKit.Set, [], [empty], null, default));
        Assert.Empty(cache.Videos(CacheTestKit.Set));
    }
}
