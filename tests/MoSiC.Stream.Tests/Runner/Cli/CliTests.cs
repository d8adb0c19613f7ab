using System.Text.Json;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>The mosic-stream CLI as a user runs it: a child process, real files.</summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    [Fact]
    public void Run_without_arguments_generates_the_sample_corpus_tracks_caches_and_trains()
    {
        var (code, output, error) = Cli("run", "--summary", "summary.json");
        Assert.True(code == 0, output + error);
        Assert.Contains("tracked 12 clips in 6 batches, 0 already cached; 6 of 6 videos, 0 failed", output);
        Assert.Contains("step 3/3 epoch 1", output);
        Assert.True(File.Exists(_dir.File(".mosic/sample-corpus/corpus.json")));
        Assert.True(File.Exists(_dir.File(".mosic/sample-checkpoints/student-backbone.safetensors")));

        using (var summary = JsonDocument.Parse(File.ReadAllText(_dir.File("summary.json"))))
        {
            var counts = summary.RootElement.GetProperty("counts");
            Assert.Equal(6, counts.GetProperty("videosDone").GetInt32());
            Assert.Equal(12, counts.GetProperty("clipsTracked").GetInt32());
            Assert.Equal(3, counts.GetProperty("steps").GetInt32());
            Assert.Empty(summary.RootElement.GetProperty("failures").EnumerateArray());
            var stages = summary.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray();
            Assert.Equal(new[] { "discover", "decode", "sample", "batch", "track", "write", "shuffle", "replay", "train" }, stages);
        }

        // A second run reuses the corpus, finds training finished and every clip cached: nothing to do, nothing decoded
        // (issue #20: it used to decode every video again and print "tracked 0 clips in 0 batches, 12 already cached").
        var again = Cli("run");
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.DoesNotContain("synth: synth-0000", again.Out);
        Assert.Contains("nothing to do", again.Out);
        Assert.DoesNotContain("synth-0000.mp4: ", again.Out);
        Assert.Contains("training already finished", again.Out);
        Assert.DoesNotContain("step 1/", again.Out);
    }

    [Fact]
    public void Run_with_a_bad_pipeline_fails_before_any_work_naming_the_field()
    {
        File.WriteAllText(_dir.File("bad.json"), """{ "corpus": { "include": ["*.mp4"] }, "decode": { "fps": -3 } }""");
        var (code, output, error) = Cli("run", "bad.json");
        Assert.Equal(1, code);
        Assert.Contains("decode.fps must be in (0, 1000] or null, got -3", error);
        Assert.DoesNotContain("tracked", output);
    }

    [Fact]
    public void A_corpus_with_bad_videos_reports_them_and_decodes_the_rest()
    {
        Directory.CreateDirectory(_dir.File("data"));
        Ffmpeg.TestPattern(_dir.File("data/good.mp4"), 96, 64, 24, 10);
        File.WriteAllBytes(_dir.File("data/empty.mp4"), []);
        File.WriteAllText(_dir.File("p.json"), """{ "corpus": { "root": "data", "include": ["*.mp4"] }, "decode": { "fps": 12 } }""");
        var (code, output, error) = Cli("track", "p.json");
        Assert.True(code == 0, output + error);
        Assert.Contains("good.mp4: 5 frames, 1 clips (1 to track, 0 cached)", output);
        Assert.Contains("1 of 2 videos, 1 failed", output);
        Assert.Contains("empty.mp4: probe: empty file (0 bytes)", output);
    }

    [Fact]
    public void Probe_reports_json_for_good_and_bad_inputs()
    {
        Ffmpeg.TestPattern(_dir.File("clip.mp4"), 96, 64, 24, 12);
        File.WriteAllBytes(_dir.File("zero.mp4"), []);
        var (code, output, _) = Cli("probe", "--json", "clip.mp4", "zero.mp4");
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(output);
        var reports = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(12, reports[0].GetProperty("decodableFrames").GetInt32());
        Assert.Equal(96, reports[0].GetProperty("probe").GetProperty("width").GetInt32());
        Assert.False(reports[0].GetProperty("timing").GetProperty("isVariable").GetBoolean());
        Assert.Contains("empty file", reports[1].GetProperty("failure").GetString());
    }

    [Fact]
    public void Synth_writes_a_corpus_with_ground_truth()
    {
        var (code, output, error) = Cli("synth", "--out", "corpus", "--videos", "2", "--seed", "3", "--frames", "8", "--width", "96", "--height", "64");
        Assert.True(code == 0, output + error);
        Assert.Equal(2, Directory.GetFiles(_dir.File("corpus/videos"), "*.mp4").Length);
        Assert.Equal(8, Directory.GetFiles(_dir.File("corpus/Annotations/synth-0000"), "*.png").Length);
        Assert.True(File.Exists(_dir.File("corpus/tracks/synth-0001.json")));
        Assert.Equal(1, Cli("synth", "--out", "x", "--width", "31").Code);
    }

    [Fact]
    public void Track_without_arguments_precomputes_the_embedded_sample_into_its_cache_once()
    {
        var (code, output, error) = Cli("track");
        Assert.True(code == 0, output + error);
        Assert.Contains("tracked 12 clips in 6 batches, 0 already cached; 6 of 6 videos, 0 failed", output);
        var again = Cli("track");
        Assert.Contains("tracked 0 clips in 0 batches, 12 already cached", again.Out);
        Assert.Equal(0, Cli("cache", "verify").Code);
    }

    [Fact]
    public void Train_is_available_and_keeps_its_help()
    {
        var (code, output, _) = Cli("train", "--help");
        Assert.Equal(0, code);
        Assert.Contains("Train from cached trajectories only", output);
    }

    [Fact]
    public void A_malformed_shard_is_refused_before_any_work()
    {
        var (code, output, error) = Cli("run", "--shard", "2/2");
        Assert.Equal(2, code); // a usage error (issue #20: exit 2, one line); it was 1
        Assert.Contains("--shard must be i/n with 0 <= i < n", error);
        Assert.DoesNotContain("synth", output);
    }
}
