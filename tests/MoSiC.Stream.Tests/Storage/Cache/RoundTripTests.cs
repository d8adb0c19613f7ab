using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Stages.Track.LucasKanade;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>What goes into the cache comes out bit for bit: real LK tracks and made-up clips with awkward floats.</summary>
public sealed class RoundTripTests
{
    [SkippableFact]
    public async Task Real_LK_tracks_of_two_clips_come_back_bit_exact()
    {
        string video = Path.Combine(RepoPaths.RealData, "sam2_gallery_dog", "video.mp4");
        Skip.IfNot(File.Exists(video), "sam2_gallery_dog is not in ../shared/data/real");
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        const int frames = 12;
        var decode = new DecodeOptions { Resize = ResizeMode.Stretch, Width = 224, Height = 224 };
        using DecodedVideo decoded = await DecodedVideo.LoadAsync(VideoSource.FromFile(video), decode, 2 * frames, 1, CancellationToken.None);
        Assert.Equal(2 * frames, decoded.Frames.Count);
        var batch = new ClipBatch(224, 224, [
            new TrackClip("c0", decoded.Pixels.Take(frames).ToArray()),
            new TrackClip("c1", decoded.Pixels.Skip(frames).Take(frames).ToArray()),
        ]);
        await using var tracker = new LucasKanadeTracker(new LucasKanadeOptions(), 1);
        TrackResult result = await tracker.TrackAsync(batch, QuerySpec.Grid(16), CancellationToken.None);

        string hash = VideoHash("sam2_gallery_dog");
        CachedClip[] clips = Enumerable.Range(0, 2).Select(b =>
        {
            int[] indices = decoded.Frames.Skip(b * frames).Take(frames).Select(f => f.Index).ToArray();
            double[] times = decoded.Frames.Skip(b * frames).Take(frames).Select(f => f.Timestamp.TotalSeconds).ToArray();
            return FromTracks(Set, result, b, hash, video, b, indices, times, 224, 224);
        }).ToArray();
        Assert.Equal(16 * 16, clips[0].Points);

        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        await cache.WriteAsync(Set, clips, CancellationToken.None);

        Assert.True(cache.FinishedClips(Set).SetEquals(clips.Select(c => c.ClipKey)));
        List<CachedClip> back = await ReadAllAsync(cache, Set, hash);
        Assert.Equal(2, back.Count);
        foreach (CachedClip clip in clips) AssertSame(clip, back.Single(c => c.ClipKey == clip.ClipKey));
        // LK has no confidence: the column holds a null list, not an empty one.
        Assert.All(back, c => Assert.Null(c.Confidence));
    }

    [Fact]
    public async Task Made_up_clips_with_and_without_confidence_come_back_bit_exact()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        CachedClip[] clips = [Clip(Set, "a", 0), Clip(Set, "a", 1, confidence: false), Clip(Set, "b", 0, frames: 1, points: 1), Clip(Set, "b", 7, frames: 9, points: 5)];
        await cache.WriteAsync(Set, clips, CancellationToken.None);

        List<CachedClip> back = await ReadAllAsync(cache, Set);
        Assert.Equal(clips.Length, back.Count);
        foreach (CachedClip clip in clips) AssertSame(clip, back.Single(c => c.ClipKey == clip.ClipKey));
        Assert.Equal(2, (await ReadAllAsync(cache, Set, VideoHash("b"))).Count);
        Assert.Empty(await ReadAllAsync(cache, Set, VideoHash("nobody")));
    }

    [Fact]
    public async Task Layout_is_hive_partitions_with_a_set_file_and_numbered_manifest_entries()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        await cache.WriteAsync(Set, [Clip(Set, "a", 0)], CancellationToken.None);
        await cache.WriteAsync(Set, [Clip(Set, "a", 1)], CancellationToken.None);

        string partition = Path.Combine(dir.Path, "tracker=" + Set.Id);
        Assert.Equal(2, Parts(cache, Set).Length);
        Assert.All(Parts(cache, Set), p => Assert.Matches(@"^part-[0-9a-f]{20}\.parquet$", Path.GetFileName(p)));
        string setJson = File.ReadAllText(Path.Combine(partition, "_set.json"));
        Assert.Contains(Set.Sampler, setJson);
        Assert.Equal(["00000001.json", "00000002.json"], Directory.GetFiles(Path.Combine(dir.Path, "_manifest")).Select(p => Path.GetFileName(p)).Order().ToArray());
        Assert.Empty(Directory.GetFiles(partition, ".*"));

        PartitionListing listing = Assert.Single(cache.List());
        Assert.Equal((Set.Id, 1, 2, 2L, 2), (listing.Id, listing.Videos, listing.Clips, listing.Rows, listing.Parts));
        Assert.Equal(Set, listing.Set);
        Assert.Equal(Parts(cache, Set).Sum(p => new FileInfo(p).Length), listing.Bytes);
    }
}
