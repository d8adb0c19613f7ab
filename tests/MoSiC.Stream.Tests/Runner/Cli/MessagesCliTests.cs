using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>What the CLI says when something is wrong, and what its help says: exit codes, one-line usage errors, every error of a file, checkpoints named for what they are.</summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class MessagesCliTests : IDisposable
{
    private static readonly string[][] Commands =
    [
        [], ["run"], ["track"], ["track", "eval"], ["track", "clip"], ["train"], ["eval"], ["profile"], ["synth"], ["probe"],
        ["cache"], ["cache", "ls"], ["cache", "verify"], ["cache", "gc"], ["cache", "export"],
    ];

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) Cli(params string[] args) => CliProcess.Run(_dir.Path, args);

    [Fact]
    public void A_usage_error_exits_2_with_one_line_and_no_help_dump()
    {
        var run = Cli("run", "--shrad", "1/2");
        Assert.Equal(2, run.Code);
        Assert.Equal("mosic-stream run: unknown option '--shrad' (did you mean \"--shard\"?); see 'mosic-stream run --help'", run.Err.Trim());
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Every_help_has_examples_the_exit_codes_and_no_raw_defaults()
    {
        foreach (string[] command in Commands)
        {
            var help = Cli([.. command, "--help"]);
            string name = string.Join(' ', command.Prepend("mosic-stream"));
            Assert.True(help.Code == 0, name + help.Err);
            Assert.Contains("Examples:", help.Out);
            Assert.Contains($"  {name} ", help.Out.Replace($"  {name}\n", $"  {name} \n", StringComparison.Ordinal));
            Assert.Contains("Exit codes:", help.Out);
            Assert.Contains("130", help.Out);
            Assert.DoesNotContain("2147483647", help.Out);
            Assert.DoesNotContain("Run|Track|Train", help.Out);
        }
    }

    [Fact]
    public void A_bad_pipeline_lists_every_error_with_its_line_and_column()
    {
        File.WriteAllText(_dir.File("p.json"), "{\n  \"corpus\": { \"include\": [\"*.mp4\"] },\n  \"decode\": { \"resize\": \"strech\", \"fps\": -3 }\n}\n");
        var run = Cli("run", "p.json");
        Assert.Equal(1, run.Code);
        Assert.Contains("2 error(s)", run.Err);
        Assert.Contains("p.json:3:15: decode.resize must be one of none, stretch, short-side, fit, got \"strech\" (did you mean \"stretch\"?)", run.Err);
        Assert.Contains("p.json:3:35: decode.fps must be in (0, 1000] or null, got -3", run.Err);
    }

    [SkippableFact]
    public void Eval_says_what_a_checkpoint_is_before_any_tensor_list()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        Assert.Equal(0, Cli("synth", "--out", "s", "--videos", "1", "--frames", "4", "--width", "64", "--height", "64").Code);
        File.WriteAllBytes(_dir.File("loss.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]);
        var png = Cli("eval", "s", "--frames", "2", "--size", "56", "--checkpoint", "loss.png");
        Assert.Equal(1, png.Code);
        Assert.Contains("loss.png is a PNG image, not a checkpoint", png.Err);
        Assert.DoesNotContain("header length", png.Err);

        // A DINOv2 ViT-S/14 layout (width 384, 12 blocks, official names, no metadata) given to --arch tiny.
        var tensors = new List<(string, Tensor)> { ("cls_token", zeros(1, 1, 384)) };
        for (int b = 0; b < 12; b++) tensors.Add(($"blocks.{b}.norm1.weight", zeros(384)));
        SafetensorsWriter.Write(_dir.File("vits14.safetensors"), tensors);
        foreach (var (_, t) in tensors) t.Dispose();
        var other = Cli("eval", "s", "--frames", "2", "--size", "56", "--checkpoint", "vits14.safetensors");
        Assert.Equal(1, other.Code);
        Assert.Contains("vits14.safetensors is a vits14 checkpoint, but --arch is tiny: set --arch to vits14", other.Err);
        Assert.True(other.Err.Trim().Split('\n').Length <= 2, other.Err);
        var verbose = Cli("eval", "s", "--frames", "2", "--size", "56", "--checkpoint", "vits14.safetensors", "--verbose");
        Assert.Contains("missing (", verbose.Err);
    }

    [Fact]
    public void Trainer_init_of_another_architecture_is_named_before_any_work()
    {
        Directory.CreateDirectory(_dir.File("data"));
        File.WriteAllText(_dir.File("data/v.mp4"), "not looked at");
        using (var weight = zeros(1))
        {
            SafetensorsWriter.Write(_dir.File("init.safetensors"), [("w", weight)], new Dictionary<string, string> { ["model"] = "vitb14" });
        }

        File.WriteAllText(_dir.File("p.json"), """{ "corpus": { "root": "data", "include": ["*.mp4"] }, "trainer": { "model": "tiny", "init": "init.safetensors", "checkpointDir": "ckpt" }, "runtime": { "device": "cpu" } }""");
        var run = Cli("run", "p.json");
        Assert.Equal(1, run.Code);
        Assert.Contains("trainer.init: init.safetensors is a vitb14 checkpoint, but trainer.model is tiny: set trainer.model to vitb14", run.Err);
        Assert.DoesNotContain("Unhandled", run.Err);
    }
}
