using System.Text.Json;
using MoSiC.Stream.Tests.Stages.Track;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary><c>mosic-stream track eval</c> and <c>track clip</c> as a user runs them.</summary>
[Collection(TrackingCorpusCollection.Name)]
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class TrackCliTests(TrackingCorpusFixture corpus) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    [SkippableFact]
    public void Eval_prints_the_tracker_beside_the_static_baseline_and_writes_json_and_overlays()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var (code, output, error) = Cli("track", "eval", corpus.Dir, "--frames", "24", "--json", "report.json", "--viz", "viz");
        Assert.True(code == 0, output + error);
        Assert.Contains("tracker lk/v1?window=21", output);
        Assert.Contains("mean of 3", output);
        Assert.Equal(4, output.Split('\n').Count(l => l.Contains(" static ")));

        using var report = JsonDocument.Parse(File.ReadAllText(_dir.File("report.json")));
        JsonElement[] sequences = report.RootElement.GetProperty("sequences").EnumerateArray().ToArray();
        Assert.Equal(3, sequences.Length);
        Assert.All(sequences, s =>
        {
            Assert.Equal(24, s.GetProperty("frames").GetInt32());
            double lk = s.GetProperty("tracker").GetProperty("deltaAvg").GetDouble();
            double still = s.GetProperty("static").GetProperty("deltaAvg").GetDouble();
            Assert.True(lk > still + 0.3, $"{lk} vs {still}");
        });

        // One overlay per sequence, as long as the scored clip and the size of the frames.
        foreach (string name in new[] { "synth-0000", "synth-0001", "synth-0002" })
        {
            Assert.Equal((24, 320, 240), ExternalTools.Probe(_dir.File($"viz/{name}.mp4")));
        }
    }

    [SkippableFact]
    public void Clip_tracks_a_real_video_and_draws_each_point_in_its_colour()
    {
        string video = Path.Combine(RepoPaths.RealData, "sam2_gallery_dog", "video.mp4");
        Skip.IfNot(File.Exists(video), "sam2_gallery_dog is not in ../shared/data/real");
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var (code, output, error) = Cli("track", "clip", video, "--native", "--grid", "4", "--frames", "16", "--viz", "dog.mp4");
        Assert.True(code == 0, output + error);
        Assert.Contains("16 points (4×4 grid)", output);
        Assert.Contains("point-frames/s", output);
        Assert.Equal((16, 854, 480), ExternalTools.Probe(_dir.File("dog.mp4")));

        // Point 0 (hue 0: red) sits at the grid's first query, (854/64, 854/64), drawn as a filled dot on frame 0.
        byte[] first = ExternalTools.DecodeFirstFrame(_dir.File("dog.mp4"));
        int x = (int)Math.Round(854 / 64.0), y = (int)Math.Round(854 / 64.0), at = (y * 854 + x) * 3;
        Assert.True(first[at] > 180 && first[at + 1] < 110 && first[at + 2] < 110, $"pixel at the first query is ({first[at]}, {first[at + 1]}, {first[at + 2]})");
    }

    [SkippableFact]
    public void Eval_rejects_a_folder_without_ground_truth_and_a_single_mp4_for_many_sequences()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Directory.CreateDirectory(_dir.File("empty"));
        var (code, _, error) = Cli("track", "eval", "empty");
        Assert.Equal(1, code);
        Assert.Contains("no tracking ground truth here", error);

        (code, _, error) = Cli("track", "eval", corpus.Dir, "--viz", "one.mp4");
        Assert.Equal(1, code);
        Assert.Contains("3 sequences would share one file", error);

        (code, _, error) = Cli("track", "eval", corpus.Dir, "--tracker", "cotracker3-offline");
        Assert.Equal(1, code);
        Assert.Contains("tracker.weights is not set", error);
        Assert.Contains("https://huggingface.co/facebook/cotracker3", error);
    }
}
