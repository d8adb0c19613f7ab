using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Tests.Model.Checkpoints;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>
/// Checkpoints from someone else, through the commands that read them: tracker weights, <c>trainer.init</c> and the
/// resume checkpoint. Each hostile file ends the command with a specific message, in bounded time and memory.
/// </summary>
[Collection(TorchGlobalState.Name)]
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class HostileCheckpointCliTests : IDisposable
{
    private static readonly Dictionary<string, string> Capped = new() { ["DOTNET_GCHeapHardLimit"] = "0x20000000" };

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, Capped, TimeSpan.FromMinutes(2), args);

    private void Pipeline(string tracker = "\"name\": \"lk\"", string init = "")
    {
        Directory.CreateDirectory(_dir.File("data"));
        for (int i = 0; i < 2; i++)
        {
            if (!File.Exists(_dir.File($"data/v{i}.mp4"))) Ffmpeg.TestPattern(_dir.File($"data/v{i}.mp4"), 128, 96, 24, 30 + i);
        }

        File.WriteAllText(_dir.File("p.json"), $$"""
            {
              "corpus": { "root": "data", "include": ["**/*.mp4"] },
              "decode": { "fps": 24, "resize": "stretch", "width": 96, "height": 96 },
              "clips": { "framesPerClip": 4, "stride": 2, "clipsPerVideo": 2 },
              "tracker": { {{tracker}}, "grid": 8, "batchSize": 2 },
              "cache": { "dir": "cache" },
              "trainer": { "model": "tiny", "imageSize": 56, "batchSize": 2, "epochs": 1, "prototypes": 10, "checkpointDir": "ckpt" {{init}} },
              "runtime": { "device": "cpu", "threads": { "torch": 1 } }
            }
            """);
    }

    [SkippableFact]
    public void A_self_referential_pickle_as_tracker_weights_or_trainer_init_ends_as_a_message()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        // d = {}; d['x'] = d: 253 bytes that once overflowed the stack (SIGABRT, 9.9 GB).
        PickleBytes.Zip(_dir.File("self.pth"), new PickleBytes().Proto().Dict().Put(0).Str("x").Get(0).SetItem().Stop().ToArray());

        Pipeline(tracker: "\"name\": \"cotracker3-offline\", \"weights\": \"self.pth\"");
        var weights = Cli("track", "p.json");
        Assert.True(weights.Code == 1, weights.Out + weights.Err);
        Assert.Contains("contains itself", weights.Err);

        Pipeline(init: ", \"init\": \"self.pth\"");
        Assert.Equal(0, Cli("track", "p.json").Code);
        var init = Cli("train", "p.json");
        Assert.True(init.Code == 1, init.Out + init.Err);
        Assert.Contains("contains itself", init.Err);
        Assert.DoesNotContain("   at ", init.Err);
    }

    [SkippableFact]
    public void A_resume_checkpoint_with_a_negative_epoch_is_refused_not_trained_past_the_end()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Pipeline();
        Assert.Equal(0, Cli("track", "p.json").Code);
        Assert.Equal(0, Cli("train", "p.json").Code);
        string checkpoint = _dir.File("ckpt/epoch-0001.ckpt.safetensors");

        TorchRuntime.EnsureLoaded();
        var meta = SafetensorsReader.ReadMetadata(checkpoint).ToDictionary();
        meta["epoch"] = "-5";
        using (StateDict state = SafetensorsReader.Read(checkpoint))
            SafetensorsWriter.Write(checkpoint, state.Names.Select(n => (n, state[n])).ToList(), meta);

        var resumed = Cli("train", "p.json");
        Assert.True(resumed.Code == 1, resumed.Out + resumed.Err);
        // Found by the check before any work, which names the folder and the field.
        Assert.Contains("not a readable training checkpoint", resumed.Err);
        Assert.Contains("epoch -5", resumed.Err);
        Assert.Contains("out of range", resumed.Err);
        Assert.Empty(Directory.GetFiles(_dir.File("ckpt"), "epoch--*"));
    }
}
