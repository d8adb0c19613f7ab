using System.Text.Json;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// A command that had nothing to work on says so and exits non-zero (or, for a finished run, says "nothing to do"
/// without decoding), instead of printing an empty or NaN result with exit code 0.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class NoEmptySuccessCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    /// <summary>Test-pattern videos, 2 clips each, one epoch of the tiny model at 56 px.</summary>
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
              "tracker": { "name": "lk", "grid": 8, "batchSize": 2 },
              "cache": { "dir": "cache" },
              "trainer": { "model": "tiny", "imageSize": 56, "batchSize": 2, "epochs": 1, "prototypes": 10, "checkpointDir": "ckpt" },
              "runtime": { "device": "cpu", "threads": { "torch": 1 } }
            }
            """);
    }

    [Fact]
    public void Export_of_a_video_that_is_not_cached_fails_naming_it()
    {
        Directory.CreateDirectory(_dir.File("data"));
        File.WriteAllText(_dir.File("data/x.mp4"), "not tracked");
        File.WriteAllText(_dir.File("p.json"), """{ "corpus": { "root": "data", "include": ["*.mp4"] }, "cache": { "dir": "cache" } }""");
        var export = Cli("cache", "export", "data/x.mp4", "--pipeline", "p.json", "--out", "x.csv");
        Assert.Equal(1, export.Code);
        Assert.Contains("data/x.mp4", export.Err);
        Assert.Contains("has no cached tracks", export.Err);
        Assert.False(File.Exists(_dir.File("x.csv")), "an empty export was written");
    }

    [Fact]
    public void Eval_with_no_annotated_frame_fails_instead_of_printing_NaN()
    {
        Directory.CreateDirectory(_dir.File("ds/JPEGImages"));
        Directory.CreateDirectory(_dir.File("ds/Annotations"));
        File.WriteAllBytes(_dir.File("ds/JPEGImages/00000.jpg"), [0xFF, 0xD8]);
        var eval = Cli("eval", "ds", "--out", "out");
        Assert.Equal(1, eval.Code);
        Assert.Contains("no annotated frame", eval.Err);
        Assert.DoesNotContain("NaN", eval.Out);
        Assert.False(File.Exists(_dir.File("out/eval.json")));
    }

    [SkippableFact]
    public void Eval_of_a_random_backbone_says_so_in_its_table_and_json()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Assert.Equal(0, Cli("synth", "--out", "s", "--videos", "1", "--frames", "4", "--width", "64", "--height", "64").Code);
        var eval = Cli("eval", "s", "--frames", "2", "--size", "56", "--restarts", "1", "--out", "out");
        Assert.True(eval.Code == 0, eval.Out + eval.Err);
        Assert.Contains("RANDOM INIT", eval.Out);
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File("out/eval.json")));
        Assert.True(json.RootElement.GetProperty("random_init").GetBoolean());
    }

    [SkippableFact]
    public void Train_on_a_cache_missing_some_videos_refuses_unless_allow_partial()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(2);
        Assert.Equal(0, Cli("track", "p.json").Code);
        Corpus(3); // a video the track run never saw: as if its shard had not run

        var refused = Cli("train", "p.json");
        Assert.Equal(1, refused.Code);
        Assert.Contains("1 of the 3 videos of this run have no tracks", refused.Err);
        Assert.Contains("--allow-partial", refused.Err);
        Assert.False(File.Exists(_dir.File("ckpt/epoch-0001.ckpt.safetensors")));

        var partial = Cli("train", "p.json", "--allow-partial");
        Assert.True(partial.Code == 0, partial.Out + partial.Err);
        Assert.Contains("training on the 2 that have tracks", partial.Out);
        Assert.True(File.Exists(_dir.File("ckpt/epoch-0001.ckpt.safetensors")));
    }

    [SkippableFact]
    public void A_rerun_of_a_finished_run_says_nothing_to_do_and_decodes_nothing()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(2);
        var first = Cli("run", "p.json");
        Assert.True(first.Code == 0, first.Out + first.Err);
        Assert.Contains("v0.mp4: ", first.Out); // the per-video decode line, for the contrast below

        var again = Cli("run", "p.json");
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.Contains("nothing to do", again.Out);
        Assert.DoesNotContain("v0.mp4: ", again.Out);
        Assert.DoesNotContain("bottleneck", again.Out);
    }
}
