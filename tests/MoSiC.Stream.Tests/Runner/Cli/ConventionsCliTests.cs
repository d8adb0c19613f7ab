using System.Text.Json;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>The conventions a batch job relies on: --quiet, --no-progress, --json on stdout, --pipeline everywhere, and a check that every shard ran.</summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class ConventionsCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    private void Corpus(int videos)
    {
        Directory.CreateDirectory(_dir.File("data"));
        for (int i = 0; i < videos; i++)
        {
            string path = _dir.File($"data/v{i}.mp4");
            if (!File.Exists(path)) Ffmpeg.TestPattern(path, 128, 96, 24, 30 + i);
        }

        File.WriteAllText(_dir.File("p.json"), """
            {
              "corpus": { "root": "data", "include": ["**/*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 96, "height": 96 },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "lk", "grid": 6, "batchSize": 2 },
              "cache": { "dir": "cache" }
            }
            """);
    }

    [SkippableFact]
    public void Quiet_prints_the_result_only_and_json_puts_the_summary_alone_on_stdout()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(2);
        var quiet = Cli("track", "--pipeline", "p.json", "--quiet");
        Assert.True(quiet.Code == 0, quiet.Out + quiet.Err);
        Assert.Equal((4, 0), TrackTotals.Parse(quiet.Out));
        Assert.DoesNotContain("v0.mp4", quiet.Out);
        Assert.DoesNotContain("started", quiet.Out);
        Assert.DoesNotContain("stage", quiet.Out);
        Assert.True(quiet.Out.Trim().Split('\n').Length <= 2, quiet.Out);

        var json = Cli("track", "--pipeline", "p.json", "--json", "--no-progress");
        Assert.True(json.Code == 0, json.Err);
        using (var doc = JsonDocument.Parse(json.Out))
        {
            Assert.Equal(4, doc.RootElement.GetProperty("counts").GetProperty("clipsCached").GetInt32());
            Assert.Equal("track", doc.RootElement.GetProperty("mode").GetString());
        }

        Assert.Contains("tracked 0 clips", json.Err);
        Assert.DoesNotContain(": started", json.Err);

        var list = Cli("cache", "ls", "-p", "p.json", "--json");
        Assert.True(list.Code == 0, list.Err);
        using (var doc = JsonDocument.Parse(list.Out))
        {
            Assert.Equal(4, doc.RootElement.GetProperty("partitions")[0].GetProperty("clips").GetInt32());
        }

        // The old positional form still works, with a note.
        var old = Cli("cache", "ls", "p.json");
        Assert.True(old.Code == 0, old.Err);
        Assert.Contains("deprecated; write --pipeline p.json", old.Err);
    }

    [SkippableFact]
    public void Expect_corpus_fails_while_a_shard_is_missing()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(2);
        Assert.Equal(0, Cli("track", "-p", "p.json", "-q").Code);
        Corpus(3); // as if the third video's shard had not run
        var partial = Cli("cache", "ls", "-p", "p.json", "--expect-corpus");
        Assert.Equal(1, partial.Code);
        Assert.Contains("1 of 3 corpus videos have no tracks", partial.Err);
        Assert.Contains("v2.mp4", partial.Err);

        Assert.Equal(0, Cli("track", "-p", "p.json", "-q").Code);
        var full = Cli("cache", "ls", "-p", "p.json", "--expect-corpus");
        Assert.True(full.Code == 0, full.Err);
        Assert.Contains("all 3 corpus videos have tracks", full.Out);
    }
}
