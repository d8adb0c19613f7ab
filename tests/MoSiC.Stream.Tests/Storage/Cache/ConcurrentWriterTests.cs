using MoSiC.Stream.Storage.Cache;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>Writers share a folder without a lock: overlapping writes never clobber each other, and every clip counts once.</summary>
public sealed class ConcurrentWriterTests
{
    [Fact]
    public async Task Two_caches_on_two_threads_writing_overlapping_clips_leave_each_clip_exactly_once()
    {
        using var dir = NewDir();
        CachedClip[] clips = Enumerable.Range(0, 24).Select(i => Clip(Set, i % 2 == 0 ? "even" : "odd", i)).ToArray();
        // Writer A takes clips 0..15 in pairs, writer B 8..23 in threes, so parts overlap without being equal;
        // both also write clips 8..9 as the very same part, which races on one part name.
        CachedClip[][] a = [.. clips[..16].Chunk(2)];
        CachedClip[][] b = [clips[8..10], .. clips[10..24].Chunk(3)];
        using var start = new Barrier(2);
        async Task Write(CachedClip[][] batches)
        {
            var cache = TrajectoryCache.Open(dir.Path, TestOptions);
            start.SignalAndWait();
            foreach (CachedClip[] batch in batches) await cache.WriteAsync(Set, batch, CancellationToken.None);
        }

        await Task.WhenAll(Task.Run(() => Write(a)), Task.Run(() => Write(b)));

        var reader = TrajectoryCache.Open(dir.Path, TestOptions);
        Assert.True(reader.FinishedClips(Set).SetEquals(clips.Select(c => c.ClipKey)));
        List<CachedClip> back = await ReadAllAsync(reader, Set);
        Assert.Equal(clips.Length, back.Count);
        Assert.Equal(clips.Length, back.Select(c => c.ClipKey).Distinct().Count());
        foreach (CachedClip clip in clips) AssertSame(clip, back.Single(c => c.ClipKey == clip.ClipKey));

        // Every entry was created under its own number (none overwritten): one per write.
        Assert.Equal(a.Length + b.Length, Directory.GetFiles(Path.Combine(dir.Path, "_manifest"), "*.json").Length);
        PartitionListing listing = Assert.Single(reader.List());
        Assert.Equal(clips.Length, listing.Clips);
        Assert.True(listing.Rows > clips.Length); // the overlap is stored twice, counted once
        Assert.True((await reader.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }
}
