using MoSiC.Stream.Storage.Cache;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>
/// What a killed writer or a damaged disk leaves behind: readers ignore or skip it, verify names each, repair fixes
/// them so a second verify is clean, and the clips of a broken part become unfinished (to be recomputed).
/// </summary>
public sealed class TornWriteTests
{
    [Fact]
    public async Task Leftovers_are_ignored_by_readers_reported_by_verify_and_removed_by_repair()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        CachedClip good = Clip(Set, "a", 0), truncated = Clip(Set, "a", 1), orphan = Clip(Set, "a", 2);
        await cache.WriteAsync(Set, [good], CancellationToken.None);
        await cache.WriteAsync(Set, [truncated], CancellationToken.None);
        string partition = Path.Combine(dir.Path, "tracker=" + Set.Id);
        string truncatedPart = Parts(cache, Set).Single(p => p != OnlyPartOf(cache, good));

        // 1. A temporary file of a writer killed before its rename.
        string temp = Path.Combine(partition, ".part-0123.parquet.tmp-999-cafe");
        File.WriteAllBytes(temp, [1, 2, 3]);
        // 2. A part whose writer died before the manifest entry: write it through a second cache, then drop its entry.
        await cache.WriteAsync(Set, [orphan], CancellationToken.None);
        string orphanPart = OnlyPartOf(cache, orphan);
        File.Delete(Directory.GetFiles(Path.Combine(dir.Path, "_manifest")).Order().Last());
        // 3. A part named in the manifest, cut short (no footer).
        byte[] bytes = File.ReadAllBytes(truncatedPart);
        File.WriteAllBytes(truncatedPart, bytes[..(bytes.Length / 2)]);
        // 4. A manifest entry torn mid-write, and one whose body was changed after its checksum was taken.
        string manifest = Path.Combine(dir.Path, "_manifest");
        File.WriteAllText(Path.Combine(manifest, "00000007.json"), "{\n\"checksum\": \"00\",\n\"body\": {\"format\": \"mosic-cache-m");
        string edited = File.ReadAllText(Path.Combine(manifest, "00000001.json")).Replace("\"rows\": 1", "\"rows\": 2");
        File.WriteAllText(Path.Combine(manifest, "00000008.json"), edited.Replace("\"sequence\": 1", "\"sequence\": 8"));

        // Readers: the orphan is not finished, the truncated part is skipped, the good clip reads.
        Assert.Equal(new[] { good.ClipKey, truncated.ClipKey }.Order(), cache.FinishedClips(Set).Order());
        var skipped = new List<CacheProblem>();
        var read = new List<CachedClip>();
        await foreach (CachedClip c in cache.ReadAsync(Set, null, skipped.Add, CancellationToken.None)) read.Add(c);
        AssertSame(good, Assert.Single(read));
        Assert.Equal(CacheProblemKind.SizeMismatch, Assert.Single(skipped).Kind);

        VerifyReport report = await cache.VerifyAsync(repair: false, CancellationToken.None);
        Assert.False(report.Clean);
        Assert.Equal(1, report.ClipsLost);
        Assert.Contains(report.Problems, p => p.Kind == CacheProblemKind.StrayTemp && p.Path == temp);
        Assert.Contains(report.Problems, p => p.Kind == CacheProblemKind.OrphanPart && p.Path == orphanPart);
        Assert.Contains(report.Problems, p => p.Kind == CacheProblemKind.SizeMismatch && p.Path == truncatedPart);
        Assert.Equal(2, report.Problems.Count(p => p.Kind == CacheProblemKind.TornEntry));
        Assert.Equal(5, report.Problems.Count);
        Assert.True(File.Exists(temp)); // verify alone changes nothing

        VerifyReport repaired = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Equal(5, repaired.Repaired.Count);
        Assert.False(File.Exists(temp));
        Assert.False(File.Exists(orphanPart));
        Assert.False(File.Exists(truncatedPart));
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
        // The truncated part's clip is unfinished now, so the next run recomputes it, and the write succeeds.
        Assert.Equal([good.ClipKey], cache.FinishedClips(Set));
        await cache.WriteAsync(Set, [truncated], CancellationToken.None);
        Assert.Equal(2, (await ReadAllAsync(cache, Set)).Count);
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }

    [Fact]
    public async Task A_part_with_flipped_bytes_fails_its_checksum_and_a_missing_part_is_reported()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        CachedClip flipped = Clip(Set, "a", 0), missing = Clip(Set, "a", 1);
        await cache.WriteAsync(Set, [flipped], CancellationToken.None);
        await cache.WriteAsync(Set, [missing], CancellationToken.None);
        string flippedPart = OnlyPartOf(cache, flipped);
        byte[] bytes = File.ReadAllBytes(flippedPart);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(flippedPart, bytes);
        File.Delete(OnlyPartOf(cache, missing));

        Assert.Empty(await ReadAllAsync(cache, Set));
        VerifyReport report = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Equal([CacheProblemKind.PartMissing, CacheProblemKind.ChecksumMismatch], report.Problems.Select(p => p.Kind).Order());
        Assert.Empty(cache.FinishedClips(Set));
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }

    [Fact]
    public async Task A_torn_newest_snapshot_falls_back_to_the_one_before()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        await cache.WriteAsync(Set, [Clip(Set, "a", 0)], CancellationToken.None);
        await cache.CompactAsync(CancellationToken.None);
        await cache.WriteAsync(Set, [Clip(Set, "a", 1)], CancellationToken.None);
        await cache.CompactAsync(CancellationToken.None);
        string newest = Directory.GetFiles(Path.Combine(dir.Path, "_manifest"), "*.snapshot.json").Order().Last();
        File.WriteAllText(newest, File.ReadAllText(newest)[..40]);

        // Pruning kept the older snapshot (clip 0) and the delta after it (clip 1), so nothing is lost.
        Assert.Equal(2, cache.FinishedClips(Set).Count);
    }

    /// <summary>The part written for <paramref name="clip"/> alone: its name is the hash of its one key, by design.</summary>
    private static string OnlyPartOf(TrajectoryCache cache, CachedClip clip) =>
        Path.Combine(cache.Dir, "tracker=" + Set.Id, $"part-{VideoHash(clip.ClipKey)[..20]}.parquet");
}
