using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Tests.Support;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// <c>cache gc</c> and <c>cache verify --repair</c> never destroy tracks by surprise: a corpus that lists nothing, or
/// one that would cost most of the cache, is refused; <c>--dry-run</c> lists and changes nothing. The cache is written
/// in-process and the corpus "videos" are files whose bytes are their names, so each one's content hash is
/// <see cref="VideoHash"/> of its name and no ffmpeg is needed.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class CacheGcCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    /// <summary>A cache (at <paramref name="cacheDir"/>) with two clips of each of <paramref name="cached"/>, a corpus of <paramref name="corpus"/>, and p.json over both.</summary>
    private TrajectoryCache Setup(string[] cached, string[] corpus, string include = "*.mp4", string cacheDir = "cache")
    {
        var cache = TrajectoryCache.Open(_dir.File(cacheDir));
        foreach (string video in cached)
            cache.WriteAsync(Set, [Clip(Set, video, 0), Clip(Set, video, 1)], CancellationToken.None).GetAwaiter().GetResult();
        Directory.CreateDirectory(_dir.File("data"));
        foreach (string video in corpus) File.WriteAllText(_dir.File($"data/{video}.mp4"), video);
        File.WriteAllText(_dir.File("p.json"), $$"""{ "corpus": { "root": "data", "include": ["{{include}}"] }, "cache": { "dir": "{{cacheDir}}" } }""");
        return cache;
    }

    [Fact]
    public void Gc_refuses_a_corpus_root_that_is_an_empty_folder_and_removes_nothing()
    {
        TrajectoryCache cache = Setup(cached: ["a", "b", "c"], corpus: []);
        var gc = Cli("cache", "gc", "p.json");
        Assert.Equal(1, gc.Code);
        Assert.Contains("empty folder", gc.Err);
        Assert.Contains("Nothing was removed", gc.Err);
        Assert.Equal(6, cache.FinishedClips(Set).Count);

        // Not even with --force: an empty corpus is what an unmounted share looks like.
        Assert.Equal(1, Cli("cache", "gc", "p.json", "--force").Code);
        Assert.Equal(6, cache.FinishedClips(Set).Count);
    }

    [Fact]
    public void Gc_refuses_an_include_glob_that_matches_nothing()
    {
        TrajectoryCache cache = Setup(cached: ["a", "b"], corpus: ["a", "b"], include: "*.mkv");
        var gc = Cli("cache", "gc", "p.json");
        Assert.Equal(1, gc.Code);
        Assert.Contains("corpus.include matched no videos", gc.Err);
        Assert.Equal(4, cache.FinishedClips(Set).Count);
    }

    [Fact]
    public void Gc_refuses_to_remove_more_than_the_set_share_unless_forced()
    {
        TrajectoryCache cache = Setup(cached: ["a", "b", "c", "d"], corpus: ["a"]);
        var refused = Cli("cache", "gc", "p.json");
        Assert.Equal(1, refused.Code);
        Assert.Contains("would remove 6 of 8 clips (75%)", refused.Err);
        Assert.Contains("--force", refused.Err);
        Assert.Equal(8, cache.FinishedClips(Set).Count);

        // A higher limit, or --force, lets it through.
        var allowed = Cli("cache", "gc", "p.json", "--max-remove", "80");
        Assert.True(allowed.Code == 0, allowed.Out + allowed.Err);
        Assert.Contains("removed 6 clips", allowed.Out);
        Assert.Equal(2, cache.FinishedClips(Set).Count);

        Setup(cached: ["e", "f"], corpus: []);
        var forced = Cli("cache", "gc", "p.json", "--force");
        Assert.True(forced.Code == 0, forced.Out + forced.Err);
        Assert.Contains("removed 4 clips", forced.Out);
    }

    [Fact]
    public void Gc_dry_run_lists_what_it_would_remove_and_removes_nothing()
    {
        TrajectoryCache cache = Setup(cached: ["a", "b", "c", "d"], corpus: ["a", "b", "c"]);
        string[] parts = Parts(cache, Set);
        var dry = Cli("cache", "gc", "p.json", "--dry-run");
        Assert.True(dry.Code == 0, dry.Out + dry.Err);
        Assert.Contains("gc would remove 2 of 8 clips (25%) of 1 videos", dry.Out);
        Assert.Contains(VideoHash("d")[..16], dry.Out);
        Assert.DoesNotContain(VideoHash("a")[..16], dry.Out);
        Assert.Contains("nothing removed", dry.Out);
        Assert.Equal(8, cache.FinishedClips(Set).Count);
        Assert.Equal(parts, Parts(cache, Set));

        var gc = Cli("cache", "gc", "p.json");
        Assert.True(gc.Code == 0, gc.Out + gc.Err);
        Assert.Contains("removed 2 clips", gc.Out);
        Assert.Equal(6, cache.FinishedClips(Set).Count);
    }

    [Fact]
    public void Gc_takes_the_cache_folder_from_dir()
    {
        TrajectoryCache other = Setup(cached: ["a", "b", "c"], corpus: ["a", "b"], cacheDir: "other");
        File.WriteAllText(_dir.File("p.json"), """{ "corpus": { "root": "data", "include": ["*.mp4"] }, "cache": { "dir": "cache" } }""");
        var gc = Cli("cache", "gc", "p.json", "--dir", "other");
        Assert.True(gc.Code == 0, gc.Out + gc.Err);
        Assert.Contains("removed 2 clips", gc.Out);
        Assert.Equal(4, other.FinishedClips(Set).Count);
    }

    [Fact]
    public void Verify_repair_dry_run_lists_what_it_would_delete_and_changes_nothing()
    {
        TrajectoryCache cache = Setup(cached: ["a", "b"], corpus: ["a", "b"]);
        string part = Parts(cache, Set)[0];
        byte[] bytes = File.ReadAllBytes(part);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(part, bytes);

        var dry = Cli("cache", "verify", "p.json", "--repair", "--dry-run");
        Assert.Equal(1, dry.Code);
        Assert.Contains($"would delete: {part}", dry.Out);
        Assert.Contains("dry run: nothing changed", dry.Out);
        Assert.True(File.Exists(part));
        Assert.Equal(4, cache.FinishedClips(Set).Count);

        var repair = Cli("cache", "verify", "p.json", "--repair");
        Assert.True(repair.Code == 0, repair.Out + repair.Err);
        Assert.False(File.Exists(part));
    }
}
