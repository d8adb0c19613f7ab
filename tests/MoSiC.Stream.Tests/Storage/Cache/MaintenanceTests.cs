using MoSiC.Stream.Storage.Cache;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>gc and compaction change what is stored, never what a kept clip reads as.</summary>
public sealed class MaintenanceTests
{
    [Fact]
    public async Task Gc_removes_a_videos_rows_and_keeps_the_rest()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        CachedClip[] a = [Clip(Set, "a", 0), Clip(Set, "a", 1)], b = [Clip(Set, "b", 0), Clip(Set, "b", 1)], c = [Clip(Set, "c", 0)];
        await cache.WriteAsync(Set, [a[0], b[0]], CancellationToken.None); // mixed: rewritten without b
        await cache.WriteAsync(Set, [b[1]], CancellationToken.None);       // only b: deleted
        await cache.WriteAsync(Set, [a[1], c[0]], CancellationToken.None); // untouched
        string[] before = Parts(cache, Set);

        CollectReport report = await cache.CollectAsync(new HashSet<string> { VideoHash("a"), VideoHash("c") }, CancellationToken.None);

        Assert.Equal((2, 1, 1), (report.ClipsRemoved, report.PartsDeleted, report.PartsRewritten));
        Assert.True(report.BytesFreed > 0);
        Assert.Equal(new[] { a[0], a[1], c[0] }.Select(x => x.ClipKey).Order(), cache.FinishedClips(Set).Order());
        List<CachedClip> back = await ReadAllAsync(cache, Set);
        Assert.Equal(3, back.Count);
        foreach (CachedClip kept in new[] { a[0], a[1], c[0] }) AssertSame(kept, back.Single(x => x.ClipKey == kept.ClipKey));
        Assert.Empty(await ReadAllAsync(cache, Set, VideoHash("b")));
        string[] after = Parts(cache, Set);
        Assert.Equal(2, after.Length); // the untouched part and the rewritten one
        Assert.Single(after.Intersect(before));
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }

    [Fact]
    public async Task Compaction_keeps_the_finished_set_and_prunes_entries()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        for (int i = 0; i < 6; i++) await cache.WriteAsync(Set, [Clip(Set, "a", i)], CancellationToken.None);
        await cache.CompactAsync(CancellationToken.None);
        IReadOnlySet<string> finished = cache.FinishedClips(Set);
        for (int i = 6; i < 9; i++) await cache.WriteAsync(Set, [Clip(Set, "a", i)], CancellationToken.None);
        await cache.CompactAsync(CancellationToken.None);

        Assert.Equal(9, cache.FinishedClips(Set).Count);
        Assert.True(finished.IsSubsetOf(cache.FinishedClips(Set)));
        Assert.Equal(9, (await ReadAllAsync(cache, Set)).Count);
        // Left: the two snapshots and the three deltas after the first (the fallback if the newest is damaged).
        string[] entries = Directory.GetFiles(Path.Combine(dir.Path, "_manifest")).Select(p => Path.GetFileName(p)).Order().ToArray();
        Assert.Equal(["00000007.snapshot.json", "00000008.json", "00000009.json", "00000010.json", "00000011.snapshot.json"], entries);
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }

    [Fact]
    public async Task A_delta_that_lands_after_a_snapshot_under_an_older_number_still_counts()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        for (int i = 0; i < 3; i++) await cache.WriteAsync(Set, [Clip(Set, "a", i)], CancellationToken.None);
        // A slow writer: entry 2 is claimed but not yet visible when the snapshot is built, and appears afterwards.
        string manifest = Path.Combine(dir.Path, "_manifest"), slow = Path.Combine(manifest, "00000002.json"), aside = Path.Combine(dir.Path, "slow.json");
        File.Move(slow, aside);
        await cache.CompactAsync(CancellationToken.None);
        Assert.Equal(2, cache.FinishedClips(Set).Count);
        File.Move(aside, slow);

        Assert.Equal(3, cache.FinishedClips(Set).Count);
        Assert.Equal(3, (await ReadAllAsync(cache, Set)).Count);
        // The next snapshot holds it.
        await cache.CompactAsync(CancellationToken.None);
        Assert.Equal(3, cache.FinishedClips(Set).Count);
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }

    [Fact]
    public async Task A_stray_entry_with_a_huge_number_keeps_snapshots_small()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        await cache.WriteAsync(Set, [Clip(Set, "a", 0)], CancellationToken.None);
        File.WriteAllText(Path.Combine(dir.Path, "_manifest", "99999999.json"), "{ torn");
        await cache.CompactAsync(CancellationToken.None);
        await cache.WriteAsync(Set, [Clip(Set, "a", 1)], CancellationToken.None);

        string snapshot = Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "_manifest"), "*.snapshot.json"));
        Assert.Equal("100000000.snapshot.json", Path.GetFileName(snapshot));
        Assert.True(new FileInfo(snapshot).Length < 4096, $"snapshot is {new FileInfo(snapshot).Length} bytes");
        Assert.True(File.Exists(Path.Combine(dir.Path, "_manifest", "100000001.json")));
        Assert.Equal(2, cache.FinishedClips(Set).Count);
        VerifyReport report = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Equal(CacheProblemKind.TornEntry, Assert.Single(report.Problems).Kind);
        Assert.Equal(2, cache.FinishedClips(Set).Count);
    }

    [Fact]
    public async Task Writes_compact_on_their_own_after_the_configured_number_of_deltas()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions with { CompactAfterDeltas = 4 });
        for (int i = 0; i < 10; i++) await cache.WriteAsync(Set, [Clip(Set, "a", i)], CancellationToken.None);

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "_manifest"), "*.snapshot.json"));
        Assert.Equal(10, cache.FinishedClips(Set).Count);
        Assert.Equal(10, (await ReadAllAsync(cache, Set)).Count);
    }

    [Fact]
    public async Task Maintenance_waits_for_the_lock_and_gives_up_naming_it()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions with { LockTimeout = TimeSpan.FromMilliseconds(200) });
        await cache.WriteAsync(Set, [Clip(Set, "a", 0)], CancellationToken.None);
        using (new FileStream(Path.Combine(dir.Path, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var e = await Assert.ThrowsAsync<TimeoutException>(() => cache.CompactAsync(CancellationToken.None));
            Assert.Contains(".lock", e.Message);
            // Writers never need the lock.
            await cache.WriteAsync(Set, [Clip(Set, "a", 1)], CancellationToken.None);
        }

        await cache.CompactAsync(CancellationToken.None);
        Assert.Equal(2, cache.FinishedClips(Set).Count);
    }

    [Fact]
    public async Task Export_writes_one_csv_line_per_point_frame_with_exact_values()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        CachedClip clip = Clip(Set, "a", 3, frames: 3, points: 2);
        await cache.WriteAsync(Set, [clip, Clip(Set, "b", 0)], CancellationToken.None);

        using var csv = new StringWriter();
        await cache.ExportAsync(null, clip.VideoHash, ExportFormat.Csv, csv, CancellationToken.None);
        string[] lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("clip_index,frame_index,point,x,y,visible,confidence", lines[0]);
        Assert.Equal(1 + clip.Frames * clip.Points, lines.Length);
        string[] cells = lines[1 + 1 * clip.Points + 1].Split(',');
        Assert.Equal([clip.ClipIndex.ToString(), clip.FrameIndices[1].ToString(), "1"], cells[..3]);
        Assert.Equal(BitConverter.SingleToInt32Bits(clip.X[clip.Points + 1]), BitConverter.SingleToInt32Bits(float.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture)));

        using var json = new StringWriter();
        await cache.ExportAsync(Set, clip.VideoHash, ExportFormat.Json, json, CancellationToken.None);
        using var doc = System.Text.Json.JsonDocument.Parse(json.ToString());
        Assert.Equal(clip.ClipKey, Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("clip_key").GetString());

        await Assert.ThrowsAsync<KeyNotFoundException>(() => cache.ExportAsync(null, VideoHash("nobody"), ExportFormat.Csv, TextWriter.Null, CancellationToken.None));
    }
}
