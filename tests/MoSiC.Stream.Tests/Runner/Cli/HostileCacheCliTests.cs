using MoSiC.Stream.Storage.Cache.Manifest;
using MoSiC.Stream.Tests.Storage.Cache;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// A shared cache someone else can write to, driven through every command a user runs: a crafted manifest entry that
/// names a file outside the cache never gets that file deleted or read.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class HostileCacheCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    private void Corpus()
    {
        Directory.CreateDirectory(_dir.File("data"));
        for (int i = 0; i < 2; i++) Ffmpeg.TestPattern(_dir.File($"data/v{i}.mp4"), 128, 96, 24, 30 + i);
        File.WriteAllText(_dir.File("p.json"), """
            {
              "corpus": { "root": "data", "include": ["**/*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 96, "height": 96 },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "lk", "grid": 8, "batchSize": 2 },
              "cache": { "dir": "cache" },
              "trainer": { "model": "tiny", "imageSize": 56, "batchSize": 2, "epochs": 1, "prototypes": 10, "checkpointDir": "ckpt" },
              "runtime": { "threads": { "torch": 1 } }
            }
            """);
    }

    [SkippableFact]
    public void A_victim_file_named_by_a_crafted_manifest_entry_survives_every_cache_command()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus();
        Assert.Equal(0, Cli("track", "p.json").Code);
        string victim = _dir.File("thesis.tex");
        File.WriteAllText(victim, "chapter 1");
        string partition = Directory.GetDirectories(_dir.File("cache"), "tracker=*").Single();
        string setId = Path.GetFileName(partition)["tracker=".Length..];
        string videoHash = new('b', 64);
        // Absolute, `..` and through the partition (via a folder "tracker=", which anyone can make); sizes wrong so that
        // each looks like a damaged part.
        Directory.CreateDirectory(_dir.File("cache/tracker="));
        ConfinedPathTests.WriteEntry(_dir.File("cache"), 900,
            new PartRecord(setId, victim, 1, 1, new string('0', 64), [new ClipRef(new string('a', 64), videoHash)]),
            new PartRecord(setId, "../../thesis.tex", 1, 1, new string('0', 64), [new ClipRef(new string('c', 64), videoHash)]),
            new PartRecord("/..", "thesis.tex", 1, 1, new string('0', 64), [new ClipRef(new string('d', 64), videoHash)]));

        string[][] commands =
        [
            ["cache", "ls", "p.json"], ["cache", "verify", "p.json"], ["cache", "verify", "p.json", "--repair"],
            ["cache", "gc", "p.json"], ["cache", "export", "data/v0.mp4", "--pipeline", "p.json", "--out", "v0.csv"],
            ["track", "p.json"], ["train", "p.json"], ["cache", "verify", "p.json"],
        ];
        foreach (string[] command in commands)
        {
            var run = Cli(command);
            Assert.True(File.Exists(victim), $"{string.Join(' ', command)} deleted {victim}: {run.Out}{run.Err}");
            Assert.DoesNotContain("   at ", run.Err); // a message, not a stack trace
        }

        Assert.Equal("chapter 1", File.ReadAllText(victim));
    }

    [SkippableFact]
    public void Links_to_dev_zero_and_pipes_in_the_cache_end_as_messages_with_bounded_memory()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus();
        Assert.Equal(0, Cli("track", "p.json").Code);
        string cache = _dir.File("cache");
        string partition = Directory.GetDirectories(cache, "tracker=*").Single();
        SpecialFiles.Link(Directory.GetFiles(partition, "part-*.parquet").Order().First(), "/dev/zero");
        SpecialFiles.Link(Path.Combine(cache, "_identity.json"), "/dev/zero");
        SpecialFiles.Fifo(Path.Combine(cache, "_manifest", "00000777.json"));

        // A 512 MB heap: reading /dev/zero into memory (what the cache did) fails at once instead of taking the machine.
        var capped = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x20000000" };
        string[][] commands =
        [
            ["cache", "ls", "p.json"], ["cache", "verify", "p.json"], ["cache", "export", "data/v0.mp4", "--pipeline", "p.json", "--out", "v0.csv"],
            ["track", "p.json"], ["train", "p.json"], ["cache", "gc", "p.json"], ["cache", "verify", "p.json", "--repair"],
        ];
        foreach (string[] command in commands)
        {
            var run = CliProcess.Run(_dir.Path, capped, TimeSpan.FromSeconds(90), command);
            string all = run.Out + run.Err;
            Assert.True(run.Code is 0 or 1, $"{string.Join(' ', command)} exited {run.Code}: {all}");
            Assert.DoesNotContain("   at ", run.Err);
            Assert.DoesNotContain("OutOfMemory", all);
        }

        var verify = Cli("cache", "verify", "p.json");
        Assert.Contains("a named pipe", verify.Out);
        Assert.Contains("NotRegularFile", verify.Out);
    }
}
