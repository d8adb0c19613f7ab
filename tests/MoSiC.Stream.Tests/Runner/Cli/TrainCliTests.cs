using System.Globalization;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary><c>mosic-stream track</c> then <c>train</c> on a tiny test-pattern corpus, as a user runs them.</summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class TrainCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    private void Corpus(int epochs)
    {
        Directory.CreateDirectory(_dir.File("data"));
        for (int i = 0; i < 2; i++)
        {
            string path = _dir.File($"data/v{i}.mp4");
            if (!File.Exists(path)) Ffmpeg.TestPattern(path, 128, 96, 24, 30 + i);
        }
        // 2 videos × 2 clips = 4 clips; batch 2 → 2 steps per epoch. 56 px keeps the tiny model fast on one core.
        File.WriteAllText(_dir.File("p.json"), $$"""
            {
              "corpus": { "root": "data", "include": ["**/*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 96, "height": 96 },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { "name": "lk", "grid": 8, "batchSize": 2 },
              "cache": { "dir": "cache" },
              "trainer": { "model": "tiny", "imageSize": 56, "batchSize": 2, "epochs": {{epochs}}, "prototypes": 10, "checkpointDir": "ckpt" },
              "runtime": { "device": "cpu", "threads": { "torch": 1 } }
            }
            """);
    }

    [SkippableFact]
    public void Train_without_tracks_says_to_track_first()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(1);
        var run = Cli("train", "p.json");
        Assert.Equal(1, run.Code);
        Assert.Contains("run mosic-stream track first", run.Err);
    }

    [SkippableFact]
    public void A_video_that_no_longer_decodes_leaves_its_clips_out_and_the_run_goes_on()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(1);
        Assert.Equal(0, Cli("track", "p.json").Code);

        // Same size and modification time, other bytes: the hash index still vouches for it, the decoder cannot read it.
        string broken = _dir.File("data/v1.mp4");
        DateTime written = File.GetLastWriteTimeUtc(broken);
        File.WriteAllBytes(broken, new byte[new FileInfo(broken).Length]);
        File.SetLastWriteTimeUtc(broken, written);

        var run = Cli("train", "p.json");
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.Contains("failed v1.mp4:", run.Out);
        Assert.Contains("1 of 2 videos, 1 failed", run.Out);
        Assert.True(File.Exists(_dir.File("ckpt/epoch-0001.ckpt.safetensors")));
    }

    [SkippableFact]
    public void Track_then_train_logs_every_step_checkpoints_and_resumes()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Corpus(1);
        var track = Cli("track", "p.json");
        Assert.True(track.Code == 0, track.Out + track.Err);

        var first = Cli("train", "p.json");
        Assert.True(first.Code == 0, first.Out + first.Err);
        Assert.Contains("step 2/2 epoch 1", first.Out);
        Assert.True(File.Exists(_dir.File("ckpt/epoch-0001.ckpt.safetensors")));
        Assert.True(File.Exists(_dir.File("ckpt/student-backbone.pth")));
        Assert.True(File.Exists(_dir.File("ckpt/student-backbone.safetensors")));
        AssertLog(2);
        AssertLossPlot();

        // Same pipeline, nothing left: no step is redone.
        var again = Cli("train", "p.json");
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.Contains("training already finished", again.Out);
        Assert.DoesNotContain("step 1/", again.Out);
        AssertLog(2);

        // A second epoch is a different schedule: the checkpoint refuses it rather than mixing schedules.
        Corpus(2);
        var longer = Cli("train", "p.json");
        Assert.Equal(1, longer.Code);
        Assert.Contains("cannot resume", longer.Err);
        Directory.Delete(_dir.File("ckpt"), recursive: true);
        var fresh = Cli("train", "p.json");
        Assert.True(fresh.Code == 0, fresh.Out + fresh.Err);
        AssertLog(4);
        Assert.True(File.Exists(_dir.File("ckpt/epoch-0002.ckpt.safetensors")));
        AssertLossPlot();

        // The run records the batch Sinkhorn equipartitions over, and the settings that shape the result.
        using var run = System.Text.Json.JsonDocument.Parse(File.ReadAllText(_dir.File("ckpt/run.json")));
        Assert.Equal(2, run.RootElement.GetProperty("sinkhornBatchClips").GetInt32());
        Assert.Equal("reference", run.RootElement.GetProperty("trainer").GetProperty("loss").GetString());
        // runtime.device as set, as resolved once, and as the trainer reports the device its models are on.
        Assert.Equal("cpu", run.RootElement.GetProperty("device").GetProperty("setting").GetString());
        Assert.Equal("cpu", run.RootElement.GetProperty("device").GetProperty("resolved").GetString());
        Assert.Equal("cpu", run.RootElement.GetProperty("trainer").GetProperty("device").GetString());
    }

    // A real PNG, not an empty or truncated file: the signature, then more than a header's worth of bytes.
    private void AssertLossPlot()
    {
        byte[] png = File.ReadAllBytes(_dir.File("ckpt/loss.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.True(png.Length > 5_000, $"loss.png is only {png.Length} bytes");
    }

    private void AssertLog(int steps)
    {
        string[] lines = File.ReadAllLines(_dir.File("ckpt/train-log.csv"));
        Assert.Equal("step,epoch,loss,lr,label_entropy,prototypes_used,seconds", lines[0]);
        Assert.Equal(steps + 1, lines.Length);
        for (int i = 1; i <= steps; i++)
        {
            string[] f = lines[i].Split(',');
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), f[0]);
            Assert.True(double.IsFinite(double.Parse(f[2], CultureInfo.InvariantCulture)), lines[i]);
            Assert.InRange(int.Parse(f[5], CultureInfo.InvariantCulture), 1, 10);
        }
    }
}
