using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Cache.Parquet;
using MoSiC.Stream.Tests.Support;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>
/// Parts a lying writer signed (the manifest's size and SHA-256 match the bytes): every corruption ends as a problem
/// record naming the part, in bounded time and memory, a flipped value is caught by the row checksum, a part that
/// fails a read is quarantined (its clips tracked again next time), and verify --repair can always remove it.
/// </summary>
public sealed class HostilePartTests
{
    /// <summary>A named corruption of the footer (the ones that once escaped as Parquet.Net exceptions, ran out of memory or spun).</summary>
    public static TheoryData<string> Corruptions => new()
    {
        "num_values 10^9", "data_page_offset 10^9", "row group rows 3*10^9", "footer rows 3*10^9", "footer length 0xFFFFFFF0",
        "binary length 2^31-1", "schema list count 2^31-1", "cut from the middle", "codec gzip", "file_path",
    };

    private static byte[] Corrupt(byte[] part, string how)
    {
        var (start, meta) = PartBytes.Footer(part);
        ThriftStruct column = PartBytes.FirstColumn(meta);
        ThriftStruct group = (ThriftStruct)meta.List(4)[0];
        ThriftStruct chunk = (ThriftStruct)group.List(1)[0];
        switch (how)
        {
            case "num_values 10^9": return PartBytes.SetInt(part, column, 5, 1_000_000_000);
            case "data_page_offset 10^9": return PartBytes.SetInt(part, column, 9, 1_000_000_000);
            case "row group rows 3*10^9": return PartBytes.SetInt(part, group, 3, 3_000_000_000);
            case "footer rows 3*10^9": return PartBytes.SetInt(part, meta, 3, 3_000_000_000);
            case "binary length 2^31-1": return PartBytes.SetBinaryLength(part, (ThriftStruct)meta.List(2)[0], 4, int.MaxValue);
            case "schema list count 2^31-1": return PartBytes.SetListCount(part, meta, 2, int.MaxValue);
            case "codec gzip": return PartBytes.SetInt(part, column, 4, 2);
            case "file_path":
                // Field 1 of a column chunk (a path to another file) in front of its file_offset (field 2, whose header
                // 0x26 becomes 0x16: field ids are deltas).
                (int from, _) = chunk.Spans[2];
                return PartBytes.Splice(part, from - 1, from, [0x18, 4, .. "/etc"u8.ToArray(), 0x16]);
            case "footer length 0xFFFFFFF0":
            {
                byte[] copy = [.. part];
                BitConverter.GetBytes(0xFFFFFFF0u).CopyTo(copy, copy.Length - 8);
                return copy;
            }

            default: // cut from the middle: a third of the file gone, both ends kept
                return [.. part.AsSpan(0, part.Length / 3), .. part.AsSpan(2 * part.Length / 3)];
        }
    }

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task A_re_signed_corrupt_part_is_a_problem_record_never_an_exception(string how)
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        CachedClip[] clips = [Clip(Set, "a", 0), Clip(Set, "a", 1)];
        await cache.WriteAsync(Set, clips, CancellationToken.None);
        string part = Assert.Single(Parts(cache, Set));
        PartBytes.Resign(dir.Path, Corrupt(File.ReadAllBytes(part), how));

        var skipped = new List<CacheProblem>();
        // Bounded by allocation, not by the clock (no timed assertions in unit tests): the spins this guards against
        // (a list count of 2^31-1) were loops over what they allocated.
        long allocated = await SpecialFiles.AllocatedDuringAsync(async () =>
        {
            await foreach (CachedClip _ in cache.ReadAsync(Set, null, skipped.Add, CancellationToken.None)) Assert.Fail("a corrupt part yielded a clip");
        });

        CacheProblem problem = Assert.Single(skipped);
        Assert.Equal(CacheProblemKind.UnreadablePart, problem.Kind);
        Assert.Equal(part, problem.Path);
        Assert.Contains(part, problem.Detail); // the message names the part
        Assert.True(allocated < 64L << 20, $"allocated {allocated / 1e6:0} MB");

        // Quarantined: its clips are no longer finished (the next track tracks them), and repair removes it.
        Assert.Empty(cache.FinishedClips(Set));
        VerifyReport repaired = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Contains(repaired.Repaired, p => p.Kind == CacheProblemKind.UnreadablePart && p.Path == part);
        Assert.False(File.Exists(part));
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }

    [Fact]
    public async Task A_flipped_value_in_a_re_signed_part_fails_its_row_checksum()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        // No compression, so the value's bytes are in the file as they are.
        CachedClip clip = Clip(Set, "a", 0);
        byte[] plain = await PartWriter.EncodeAsync([clip], Set.Canonical, new global::Parquet.ParquetOptions { CompressionMethod = global::Parquet.CompressionMethod.None }, CancellationToken.None);
        await cache.WriteAsync(Set, [clip], CancellationToken.None);
        // A value that is neither the column's minimum nor its maximum (those are also in the statistics).
        float value = clip.X.Where(float.IsFinite).Order().ElementAt(clip.X.Length / 2);
        int at = plain.AsSpan().IndexOf(BitConverter.GetBytes(value));
        Assert.True(at > 0);
        plain[at] ^= 0x01; // a float one ulp away: still a valid Parquet file, still a plausible track
        PartBytes.Resign(dir.Path, plain);

        var skipped = new List<CacheProblem>();
        await foreach (CachedClip _ in cache.ReadAsync(Set, null, skipped.Add, CancellationToken.None)) Assert.Fail("the changed clip was read");
        Assert.Contains("fails its row checksum", Assert.Single(skipped).Detail);
    }

    [Fact]
    public async Task A_part_of_format_1_without_row_checksums_still_reads()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        CachedClip[] clips = [Clip(Set, "a", 0), Clip(Set, "a", 1, confidence: false)];
        await cache.WriteAsync(Set, clips, CancellationToken.None);
        byte[] old = await PartWriter.EncodeAsync(clips.OrderBy(c => c.ClipIndex).ToArray(), Set.Canonical, PartWriter.Options, CancellationToken.None, checksum: false);
        PartBytes.Resign(dir.Path, old);

        List<CachedClip> back = await ReadAllAsync(cache, Set);
        Assert.Equal(2, back.Count);
        foreach (CachedClip c in clips) AssertSame(c, back.Single(b => b.ClipKey == c.ClipKey));
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }

    [Fact]
    public async Task A_quarantined_part_stops_counting_until_its_clips_are_written_again()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        CachedClip[] clips = [Clip(Set, "a", 0), Clip(Set, "a", 1)];
        await cache.WriteAsync(Set, clips, CancellationToken.None);
        string part = Assert.Single(Parts(cache, Set));
        await cache.WriteAsync(Set, [Clip(Set, "b", 0)], CancellationToken.None);
        byte[] good = File.ReadAllBytes(part);
        File.WriteAllBytes(part, good[..^10]); // damaged on the disk (not re-signed): a size mismatch
        Assert.Equal(3, cache.FinishedClips(Set).Count); // not yet read: the manifest still vouches for it

        var skipped = new List<CacheProblem>();
        await foreach (CachedClip _ in cache.ReadAsync(Set, VideoHash("a"), skipped.Add, CancellationToken.None)) Assert.Fail("a damaged part yielded a clip");
        Assert.Equal(CacheProblemKind.SizeMismatch, Assert.Single(skipped).Kind);
        Assert.Single(cache.FinishedClips(Set)); // quarantined: only b's clip is finished, a's are tracked again
        skipped.Clear();
        await foreach (CachedClip _ in cache.ReadAsync(Set, VideoHash("a"), skipped.Add, CancellationToken.None)) Assert.Fail("a quarantined part yielded a clip");
        Assert.Equal(CacheProblemKind.Quarantined, Assert.Single(skipped).Kind);
        Assert.Contains(cache.List(), p => p.Clips == 1);

        // The next track writes the same clips: the same part name, good bytes, the mark lifted.
        await cache.WriteAsync(Set, clips, CancellationToken.None);
        Assert.Equal(3, cache.FinishedClips(Set).Count);
        Assert.Equal(3, (await ReadAllAsync(cache, Set)).Count);
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }

    [Fact]
    public async Task Verify_repair_removes_a_quarantined_part_and_lifts_the_mark_of_one_that_reads_again()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        await cache.WriteAsync(Set, [Clip(Set, "a", 0)], CancellationToken.None);
        string part = Assert.Single(Parts(cache, Set));
        byte[] good = File.ReadAllBytes(part);
        File.WriteAllBytes(part, good[..^10]);
        _ = await ReadAllAsync(cache, Set); // quarantines it
        Assert.Empty(cache.FinishedClips(Set));

        // The file came back (a flaky mount): verify says so and repair lifts the mark.
        File.WriteAllBytes(part, good);
        VerifyReport report = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Equal(CacheProblemKind.Quarantined, Assert.Single(report.Problems).Kind);
        Assert.Single(cache.FinishedClips(Set));

        // Broken for good: repair drops it from the manifest, deletes it and its mark.
        File.WriteAllBytes(part, good[..^10]);
        _ = await ReadAllAsync(cache, Set);
        report = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Equal(CacheProblemKind.SizeMismatch, Assert.Single(report.Problems).Kind);
        Assert.False(File.Exists(part));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "_quarantine"), "*", SearchOption.AllDirectories));
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }
}
