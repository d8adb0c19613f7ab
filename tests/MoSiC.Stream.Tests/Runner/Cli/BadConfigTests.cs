using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>Malformed or contradictory pipelines fail before any work, with a message naming the field and the fix.</summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class BadConfigTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("unknown-key", """{ "clips": { "framesPerClip": 12, "strid": 2 } }""", "clips.strid is not a known field (allowed: framesPerClip, stride, clipsPerVideo)")]
    [InlineData("wrong-type", """{ "decode": { "fps": "fast" } }""", "decode.fps has the wrong type: a number or null expected, got \"fast\"")]
    [InlineData("negative-size", """{ "corpus": { "include": ["*.mp4"] }, "decode": { "resize": "stretch", "width": -224, "height": 224 } }""", "decode.width must be in 2..8192, got -224")]
    [InlineData("negative-buffer", """{ "corpus": { "include": ["*.mp4"] }, "runtime": { "buffers": { "clips": -1 } } }""", "runtime.buffers.clips must be in 1..100000, got -1")]
    [InlineData("missing-corpus", """{ "corpus": { "root": "no-such-folder", "include": ["*.mp4"] } }""", "no-such-folder\" does not exist")]
    [InlineData("cache-under-a-file", """{ "corpus": { "root": "data", "include": ["*.mp4"] }, "cache": { "dir": "a-file/cache" } }""", "cache.dir \"a-file/cache\" cannot be written")]
    [InlineData("cache-is-a-file", """{ "corpus": { "root": "data", "include": ["*.mp4"] }, "cache": { "dir": "a-file" } }""", "cache.dir \"a-file\" is a file, not a folder; point cache.dir at a folder this user can write")]
    [InlineData("checkpoint-of-another-model", """{ "corpus": { "root": "data", "include": ["*.mp4"] }, "trainer": { "model": "tiny", "checkpointDir": "ckpt" } }""", "trainer.checkpointDir \"ckpt\" holds a checkpoint of model vits14 (epoch-0001.ckpt.safetensors), but trainer.model is tiny")]
    public void A_bad_pipeline_fails_before_any_work_naming_the_field(string name, string json, string message)
    {
        Directory.CreateDirectory(_dir.File("data"));
        File.WriteAllText(_dir.File("data/v.mp4"), "not looked at");
        File.WriteAllText(_dir.File("a-file"), "a file where a folder should be");
        Directory.CreateDirectory(_dir.File("ckpt"));
        using (var weight = zeros(1))
        {
            SafetensorsWriter.Write(_dir.File("ckpt/epoch-0001.ckpt.safetensors"), [("w", weight)], new Dictionary<string, string>
            {
                ["format"] = "mosic-train-v1", ["model"] = "vits14", ["total_steps"] = "8", ["step"] = "4", ["epoch"] = "1", ["next_batch"] = "0", ["data_seed"] = "0",
            });
        }

        File.WriteAllText(_dir.File($"{name}.json"), json);
        var (code, output, error) = CliProcess.Run(_dir.Path, "run", $"{name}.json");
        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.DoesNotContain("tracked", output);
        Assert.DoesNotContain("hashed", output);
    }
}
