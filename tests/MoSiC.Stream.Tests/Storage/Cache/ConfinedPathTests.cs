using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Cache.Manifest;
using MoSiC.Stream.Storage.Identity;
using MoSiC.Stream.Tests.Support;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>
/// Names taken from cache metadata are untrusted: a manifest entry that names a file outside the cache (absolute, with
/// <c>..</c>, through the partition) never makes any cache operation read, report or delete that file; links, pipes
/// and devices where the cache expects its own files are never followed, opened or deleted.
/// </summary>
public sealed class ConfinedPathTests
{
    /// <summary>How the crafted entry reaches the victim: (partition, file) with <c>{victim}</c> and <c>{name}</c> filled in.</summary>
    public static TheoryData<string, string> Escapes => new()
    {
        { "{set}", "{victim}" },                     // an absolute file: Path.Combine returns it as is
        { "{set}", "../../outside/{name}" },         // .. out of the partition and the cache
        { "/../../outside", "{name}" },              // .. through the partition (needs a folder "tracker=", which anyone can make)
        { "x/../../outside", "{name}" },             // the same through "tracker=x"
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task A_manifest_entry_naming_a_file_outside_the_cache_never_deletes_it(string partition, string file)
    {
        using var root = NewDir();
        string cacheDir = Path.Combine(root.Path, "cache"), outside = Path.Combine(root.Path, "outside");
        Directory.CreateDirectory(outside);
        string victim = Path.Combine(outside, "thesis.tex");
        File.WriteAllText(victim, "chapter 1");
        var cache = TrajectoryCache.Open(cacheDir, TestOptions);
        Directory.CreateDirectory(Path.Combine(cacheDir, "tracker="));
        Directory.CreateDirectory(Path.Combine(cacheDir, "tracker=x"));
        CachedClip good = Clip(Set, "a", 0);
        await cache.WriteAsync(Set, [good], CancellationToken.None);
        string Fill(string s) => s.Replace("{set}", Set.Id).Replace("{victim}", victim).Replace("{name}", "thesis.tex");
        // The size is wrong on purpose: that is what made repair delete the "broken part".
        var crafted = new PartRecord(Fill(partition), Fill(file), 1, 12345, new string('0', 64), [new ClipRef(new string('a', 64), VideoHash("a"))]);
        WriteEntry(cacheDir, 2, crafted);

        // Readers: the crafted clip is not finished, the good one reads, and the record is skipped with its message.
        Assert.Equal([good.ClipKey], cache.FinishedClips(Set));
        var skipped = new List<CacheProblem>();
        var read = new List<CachedClip>();
        await foreach (CachedClip c in cache.ReadAsync(Set, null, skipped.Add, CancellationToken.None)) read.Add(c);
        AssertSame(good, Assert.Single(read));
        if (crafted.Partition == Set.Id) Assert.Contains("manifest names a path outside the cache", Assert.Single(skipped).Detail);

        VerifyReport report = await cache.VerifyAsync(repair: false, CancellationToken.None);
        CacheProblem problem = Assert.Single(report.Problems);
        Assert.Equal(CacheProblemKind.UnsafePath, problem.Kind);
        Assert.Contains("manifest names a path outside the cache", problem.Detail);
        Assert.DoesNotContain("chapter", problem.ToString());

        VerifyReport repaired = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Single(repaired.Repaired);
        Assert.True(File.Exists(victim), "verify --repair deleted a file outside the cache");
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean); // dropped from the manifest
        WriteEntry(cacheDir, 10, crafted); // and once more, for gc
        CollectReport gc = await cache.CollectAsync(new HashSet<string>(), CancellationToken.None);
        Assert.Contains("manifest names a path outside the cache", Assert.Single(gc.Skipped).Detail);
        Assert.True(File.Exists(victim), "gc deleted a file outside the cache");
        Assert.Equal("chapter 1", File.ReadAllText(victim));
    }

    [Fact]
    public async Task A_part_replaced_by_a_link_to_a_file_outside_is_never_read_reported_or_deleted()
    {
        using var root = NewDir();
        string cacheDir = Path.Combine(root.Path, "cache"), secret = Path.Combine(root.Path, "shadow");
        var cache = TrajectoryCache.Open(cacheDir, TestOptions);
        CachedClip clip = Clip(Set, "a", 0);
        await cache.WriteAsync(Set, [clip], CancellationToken.None);
        string part = Assert.Single(Parts(cache, Set));
        // Same size as the part, so only the link itself can give it away.
        File.WriteAllBytes(secret, Enumerable.Repeat((byte)'r', (int)new FileInfo(part).Length).ToArray());
        SpecialFiles.Link(part, secret);

        Assert.Empty(await ReadAllAsync(cache, Set));
        VerifyReport report = await cache.VerifyAsync(repair: false, CancellationToken.None);
        CacheProblem problem = Assert.Single(report.Problems);
        Assert.Equal(CacheProblemKind.NotRegularFile, problem.Kind);
        Assert.Contains("a symbolic link", problem.Detail);
        Assert.DoesNotContain("7272", problem.Detail); // no bytes of the target ("rr") in any message

        VerifyReport repaired = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Single(repaired.Repaired); // dropped from the manifest...
        Assert.True(File.Exists(secret));
        Assert.Equal(FileKind.SymbolicLink, FileKinds.Of(part, followLinks: false)); // ...and the link left for a person
        Assert.Empty(cache.FinishedClips(Set));
        // Left alone, the link stays a problem that repair cannot fix: verify keeps saying so.
        VerifyReport after = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Equal(CacheProblemKind.NotRegularFile, Assert.Single(after.Problems).Kind);
        Assert.Empty(after.Repaired);

        // The next track writes the clip again: the rename replaces the link itself.
        await cache.WriteAsync(Set, [clip], CancellationToken.None);
        AssertSame(clip, Assert.Single(await ReadAllAsync(cache, Set)));
        Assert.True(File.Exists(secret));
        Assert.True((await cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }

    /// <summary>Which cache file is replaced, and by what: a link to /dev/zero or a named pipe.</summary>
    public static TheoryData<string, bool> Specials => new()
    {
        { "part", false }, { "part", true }, { "entry", false }, { "entry", true },
        { "set", false }, { "set", true }, { "identity", false }, { "identity", true },
    };

    [Theory]
    [MemberData(nameof(Specials))]
    public async Task A_dev_zero_link_or_a_pipe_where_a_cache_file_should_be_ends_as_a_specific_message_at_once(string which, bool pipe)
    {
        using var root = NewDir();
        string cacheDir = Path.Combine(root.Path, "cache");
        var cache = TrajectoryCache.Open(cacheDir, TestOptions);
        CachedClip clip = Clip(Set, "a", 0);
        await cache.WriteAsync(Set, [clip], CancellationToken.None);
        string target = which switch
        {
            "part" => Assert.Single(Parts(cache, Set)),
            "entry" => Directory.GetFiles(Path.Combine(cacheDir, "_manifest")).Single(),
            "set" => Path.Combine(cacheDir, "tracker=" + Set.Id, "_set.json"),
            _ => Path.Combine(cacheDir, HashIndex.FileName),
        };
        if (pipe) SpecialFiles.ReplaceWithFifo(target);
        else SpecialFiles.Link(target, "/dev/zero");

        long allocated = await SpecialFiles.AllocatedDuringAsync(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            Task work = Task.Run(async () =>
            {
                var fresh = TrajectoryCache.Open(cacheDir, TestOptions);
                _ = fresh.FinishedClips(Set);
                _ = fresh.List();
                _ = await ReadAllAsync(fresh, Set);
                VerifyReport report = await fresh.VerifyAsync(repair: false, CancellationToken.None);
                HashIndex index = HashIndex.Load(cacheDir);
                if (which == "identity") Assert.Contains(pipe ? "a named pipe" : "a symbolic link", index.Problem);
                else Assert.Contains(report.Problems, p => p.Kind == CacheProblemKind.NotRegularFile && p.Path == target);
                if (which == "set")
                {
                    // A writer of that set refuses the partition with the same message, rather than hanging or mixing sets.
                    var e = await Assert.ThrowsAsync<UnsafeFileException>(() => fresh.WriteAsync(Set, [Clip(Set, "b", 0)], CancellationToken.None));
                    Assert.Contains(pipe ? "a named pipe" : "a symbolic link", e.Message);
                }

                await fresh.VerifyAsync(repair: true, CancellationToken.None);
                await fresh.CollectAsync(new HashSet<string> { clip.VideoHash }, CancellationToken.None);
            });
            Assert.Same(work, await Task.WhenAny(work, Task.Delay(Timeout.Infinite, timeout.Token)));
            await work;
        });

        Assert.True(allocated < 256L << 20, $"allocated {allocated / 1e6:0} MB");
        Assert.Equal(pipe ? FileKind.Fifo : FileKind.SymbolicLink, FileKinds.Of(target, followLinks: false)); // never deleted
    }

    [Fact]
    public async Task A_partition_folder_that_is_a_link_is_never_entered_written_or_cleaned()
    {
        using var root = NewDir();
        string cacheDir = Path.Combine(root.Path, "cache"), elsewhere = Path.Combine(root.Path, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        // Files with our names out there: a stale temporary and what looks like an orphan part.
        string temp = Path.Combine(elsewhere, ".part-0123.parquet.tmp-999-cafe"), orphan = Path.Combine(elsewhere, $"part-{new string('a', 20)}.parquet");
        File.WriteAllText(temp, "keep");
        File.WriteAllText(orphan, "keep");
        var cache = TrajectoryCache.Open(cacheDir, TestOptions);
        Directory.CreateSymbolicLink(Path.Combine(cacheDir, "tracker=" + Set.Id), elsewhere);

        var e = await Assert.ThrowsAsync<UnsafeFileException>(() => cache.WriteAsync(Set, [Clip(Set, "a", 0)], CancellationToken.None));
        Assert.Contains("a symbolic link where a folder should be", e.Message);
        VerifyReport report = await cache.VerifyAsync(repair: true, CancellationToken.None);
        Assert.Equal(CacheProblemKind.NotRegularFile, Assert.Single(report.Problems).Kind);
        Assert.Equal(["keep", "keep"], new[] { temp, orphan }.Select(File.ReadAllText));
        Assert.Equal(2, Directory.GetFiles(elsewhere, "*", SearchOption.AllDirectories).Length);
    }

    /// <summary>Writes a valid (checksummed) delta entry number <paramref name="sequence"/> listing <paramref name="parts"/>, as anyone can.</summary>
    internal static void WriteEntry(string cacheDir, long sequence, params PartRecord[] parts) =>
        File.WriteAllBytes(Path.Combine(cacheDir, "_manifest", CacheLayout.EntryName(sequence, snapshot: false)), ManifestCodec.Encode(new ManifestBody
        {
            Sequence = sequence,
            Snapshot = false,
            CreatedUtc = DateTimeOffset.UnixEpoch,
            Writer = "attacker",
            Parts = parts,
        }));
}
