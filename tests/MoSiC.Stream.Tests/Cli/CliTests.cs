using System.Text.Json;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Cli;

/// <summary>The mosic-stream CLI as a user runs it: a child process, real files.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    [Fact]
    public void Run_without_arguments_generates_and_decodes_the_embedded_sample_corpus()
    {
        var (code, output, error) = Cli("run", "--summary", "summary.json");
        Assert.True(code == 0, output + error);
        Assert.Contains("decoded 6 of 6 videos: 288 frames", output);
        Assert.Contains("not available yet", output);
        Assert.True(File.Exists(_dir.File(".mosic/sample-corpus/corpus.json")));

        using var summary = JsonDocument.Parse(File.ReadAllText(_dir.File("summary.json")));
        var videos = summary.RootElement.GetProperty("videos").EnumerateArray().ToArray();
        Assert.Equal(6, videos.Length);
        Assert.All(videos, v =>
        {
            Assert.True(v.GetProperty("ok").GetBoolean());
            Assert.Equal(48, v.GetProperty("frames").GetInt32());
            Assert.Equal((224, 224), (v.GetProperty("width").GetInt32(), v.GetProperty("height").GetInt32()));
            Assert.Equal(2, v.GetProperty("clips").GetInt32());
        });

        // A second run reuses the generated corpus.
        var again = Cli("run");
        Assert.Equal(0, again.Code);
        Assert.DoesNotContain("synth: synth-0000", again.Out);
    }

    [Fact]
    public void Run_with_a_bad_pipeline_fails_before_any_work_naming_the_field()
    {
        File.WriteAllText(_dir.File("bad.json"), """{ "corpus": { "include": ["*.mp4"] }, "decode": { "fps": -3 } }""");
        var (code, output, error) = Cli("run", "bad.json");
        Assert.Equal(1, code);
        Assert.Contains("decode.fps must be in (0, 1000] or null, got -3", error);
        Assert.DoesNotContain("decoded", output);
    }

    [Fact]
    public void A_corpus_with_bad_videos_reports_them_and_decodes_the_rest()
    {
        Directory.CreateDirectory(_dir.File("data"));
        Ffmpeg.TestPattern(_dir.File("data/good.mp4"), 96, 64, 24, 10);
        File.WriteAllBytes(_dir.File("data/empty.mp4"), []);
        File.WriteAllText(_dir.File("p.json"), """{ "corpus": { "root": "data", "include": ["*.mp4"] }, "decode": { "fps": 12 } }""");
        var (code, output, error) = Cli("run", "p.json");
        Assert.True(code == 0, output + error);
        Assert.Contains("decoded 1 of 2 videos: 5 frames", output);
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

    [Theory]
    [InlineData("profile")]
    public void Later_commands_have_help_and_say_they_are_not_available(string command)
    {
        Assert.Equal(0, Cli(command, "--help").Code);
        var (code, _, error) = Cli(command);
        Assert.Equal(2, code);
        Assert.Contains("not yet available", error);
    }
}
