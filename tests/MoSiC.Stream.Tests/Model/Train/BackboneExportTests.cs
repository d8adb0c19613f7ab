using System.Diagnostics;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Train.Persist;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Train;

[Collection(TorchGlobalState.Name)]
public sealed class BackboneExportTests : IDisposable
{
    private readonly TempDir _dir = new();

    public BackboneExportTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("student.pth")]
    [InlineData("student.safetensors")]
    public void Our_loader_reads_the_export_back_bit_exactly(string file)
    {
        using var trainer = new MosicTrainer(TrainKit.Options(), device: CPU);
        using var batch = TrainKit.Batch(5);
        trainer.Step(batch); // trained blocks differ from the init: a stale export would show
        string path = _dir.File(file);
        if (file.EndsWith(".pth")) BackboneExport.WritePth(trainer.Student, path);
        else BackboneExport.WriteSafetensors(trainer.Student, path);

        using (var state = CheckpointFile.Read(path))
        {
            var names = trainer.Student.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal);
            Assert.Equal(names, state.Names.Order(StringComparer.Ordinal));
            Assert.Contains("blocks.0.attn.qkv.weight", state.Names);
            Assert.Contains("pos_embed", state.Names);
        }

        using var copy = new DinoVisionTransformer(TrainKit.Small);
        VitCheckpointLoader.Load(copy, path, VitLoadOptions.Strict);
        foreach (var ((name, a), (_, b)) in trainer.Student.named_parameters().Zip(copy.named_parameters()))
            Assert.True(TrainKit.Same(a, b), $"{name} differs after the round trip");
    }

    [Fact]
    public void The_same_weights_export_to_the_same_pth_bytes_at_another_time()
    {
        using var model = new DinoVisionTransformer(TrainKit.Small);
        BackboneExport.WritePth(model, _dir.File("a.pth"));
        // Zip entry times have a 2 s resolution: a later second is a later stamp.
        Thread.Sleep(2100);
        BackboneExport.WritePth(model, _dir.File("b.pth"));
        Assert.Equal(File.ReadAllBytes(_dir.File("a.pth")), File.ReadAllBytes(_dir.File("b.pth")));
        using var zip = System.IO.Compression.ZipFile.OpenRead(_dir.File("a.pth"));
        Assert.All(zip.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [SkippableFact]
    public void Python_torch_loads_the_pth_export()
    {
        Skip.IfNot(File.Exists("/usr/bin/python3") && Run("/usr/bin/python3", "-c \"import torch\"").Code == 0, "python3 with torch is not installed");
        using var model = new DinoVisionTransformer(TrainKit.Small);
        string path = _dir.File("student.pth");
        BackboneExport.WritePth(model, path);
        var (code, output) = Run("/usr/bin/python3",
            $"-c \"import torch; sd=torch.load('{path}', weights_only=True); print(len(sd), tuple(sd['pos_embed'].shape), tuple(sd['blocks.2.attn.qkv.weight'].shape))\"");
        Assert.True(code == 0, output);
        Assert.Contains($"{model.named_parameters().Count()} (1, 17, 48) (144, 48)", output);
    }

    private static (int Code, string Output) Run(string exe, string args)
    {
        var info = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
