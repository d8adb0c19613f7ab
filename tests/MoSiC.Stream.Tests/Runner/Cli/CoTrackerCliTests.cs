using System.Globalization;
using System.Text.RegularExpressions;
using MoSiC.Stream.Stages.Track.CoTracker;
using MoSiC.Stream.Tests.Stages.Track.CoTracker;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// <c>mosic-stream track</c> with <c>tracker.name = cotracker3-offline</c> and a weights file (random weights in the
/// official file format): it fills the cache, a rerun hits it, new weights miss it, and missing or unreadable weights
/// stop the run before any work with a message that says where the real weights are.
/// </summary>
[Collection(TorchGlobalState.Name)]
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed partial class CoTrackerCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    private string Pipeline(string weights, string tracker = CoTrackerTracker.OfflineName)
    {
        Directory.CreateDirectory(_dir.File("data"));
        string video = _dir.File("data/v00.mp4");
        if (!File.Exists(video)) Ffmpeg.TestPattern(video, 128, 96, 24, 24);
        File.WriteAllText(_dir.File("p.json"), $$"""
            {
              "corpus": { "root": "data", "include": ["*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 96, "height": 96 },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "{{tracker}}", "grid": 4, "batchSize": 2, "weights": "{{weights}}" },
              "cache": { "dir": "cache" },
              "runtime": { "device": "cpu", "threads": { "tracker": 2 } }
            }
            """);
        return "p.json";
    }

    private static (int Tracked, int Cached) Counts(string output)
    {
        Match m = CountsLine().Match(output);
        Assert.True(m.Success, $"no totals line in: {output}");
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"tracked (\d+) clips in \d+ batches, (\d+) already cached")]
    private static partial Regex CountsLine();

    [SkippableFact]
    public void Track_fills_the_cache_a_rerun_hits_it_and_changed_weights_miss_it()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        RandomCoTrackerWeights.Write(_dir.File("weights.pth"), 1);
        string p = Pipeline("weights.pth");

        var first = Cli("track", p);
        Assert.True(first.Code == 0, first.Out + first.Err);
        Assert.Contains("tracker cotracker3-offline/v1?iterations=6&window=60", first.Out);
        Assert.Equal((2, 0), Counts(first.Out));
        Assert.Matches(@"\brows 2\b", Cli("cache", "ls", p).Out);
        Assert.Equal(0, Cli("cache", "verify", p).Code);

        Assert.Equal((0, 2), Counts(Cli("track", p).Out));

        // Same file name, other weights: another cache partition.
        RandomCoTrackerWeights.Write(_dir.File("weights.pth"), 2);
        var changed = Cli("track", p);
        Assert.True(changed.Code == 0, changed.Out + changed.Err);
        Assert.Equal((2, 0), Counts(changed.Out));
    }

    [SkippableFact]
    public void The_online_tracker_runs_through_the_pipeline_and_refuses_offline_weights()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        RandomCoTrackerWeights.Write(_dir.File("offline.pth"), 1);
        var wrong = Cli("track", Pipeline("offline.pth", CoTrackerTracker.OnlineName));
        Assert.Equal(1, wrong.Code);
        Assert.Contains("time_emb: file [1, 60, 1110], model [1, 16, 1110]", wrong.Err);
        Assert.False(Directory.Exists(_dir.File("cache")), "the cache folder was made before the weights were checked");

        RandomCoTrackerWeights.Write(_dir.File("online.pth"), 1, window: CoTrackerTracker.OnlineWindow);
        string p = Pipeline("online.pth", CoTrackerTracker.OnlineName);
        var run = Cli("track", p);
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.Contains("tracker cotracker3-online/v1?iterations=6&window=16&step=8", run.Out);
        Assert.Equal((2, 0), Counts(run.Out));
        Assert.Matches(@"\brows 2\b", Cli("cache", "ls", p).Out);
    }

    [SkippableFact]
    public void Missing_or_unreadable_weights_fail_before_any_work_saying_where_to_get_them()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        string p = Pipeline("absent.pth");
        var missing = Cli("track", p);
        Assert.Equal(1, missing.Code);
        Assert.Contains("absent.pth: the file does not exist", missing.Err);
        Assert.Contains(CoTrackerWeights.Source, missing.Err);
        Assert.Contains("scaled_offline.pth", missing.Err);
        Assert.False(Directory.Exists(_dir.File("cache")), "the cache folder was made before the weights were checked");

        File.WriteAllBytes(_dir.File("broken.pth"), new byte[100]);
        p = Pipeline("broken.pth");
        var broken = Cli("track", p);
        Assert.Equal(1, broken.Code);
        Assert.Contains("cannot be read as a PyTorch checkpoint", broken.Err);
        Assert.Contains(CoTrackerWeights.Source, broken.Err);
        Assert.False(Directory.Exists(_dir.File("cache")), "the cache folder was made before the weights were checked");
    }
}
