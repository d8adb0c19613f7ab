using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Model.Vit.PosEmbed;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Vit;

/// <summary>Key layouts the loader accepts (official, timm, released MoSiC) and the one error it gives otherwise.</summary>
public sealed class CheckpointLoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vit-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public void PthAndSafetensorsGiveIdenticalParameters()
    {
        using var fromPth = Golden.LoadModel("dinov2_reg4", "pth");
        using var fromSafetensors = Golden.LoadModel("dinov2_reg4", "safetensors");
        var a = fromPth.state_dict();
        var b = fromSafetensors.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys)
            Assert.True(Golden.Same(a[key], b[key]), key);
    }

    [SkippableFact]
    public void MismatchedCheckpointListsMissingUnexpectedAndWrongShapes()
    {
        string path = Golden.Require("dinov2/state_dict.safetensors");
        using var model = new DinoVisionTransformer(VitConfig.Tiny with { RegisterTokens = 4 });
        using var before = model.get_parameter("norm.weight")!.clone();

        var ex = Assert.Throws<CheckpointMismatchException>(() => VitCheckpointLoader.Load(model, path));

        Assert.Contains(path, ex.Message);
        Assert.Equal(path, ex.Path);
        // Tiny has 4 blocks, the fixture 2: blocks 2-3 and the registers are missing.
        Assert.Contains(("register_tokens", new long[] { 1, 4, 192 }), ex.Missing.Select(m => (m.Name, m.Shape)), new MissingComparer());
        Assert.Contains(ex.Missing, m => m.Name == "blocks.3.ls2.gamma");
        Assert.DoesNotContain(ex.Missing, m => m.Name == "blocks.1.ls2.gamma");
        Assert.Empty(ex.Unexpected);
        Assert.Contains(ex.WrongShape, w => w.Name == "blocks.0.attn.qkv.weight"
                                            && w.FileShape.SequenceEqual(new long[] { 288, 96 })
                                            && w.ModelShape.SequenceEqual(new long[] { 576, 192 }));
        Assert.Contains("blocks.0.attn.qkv.weight: file [288, 96], model [576, 192]", ex.Message);
        Assert.Contains("register_tokens [1, 4, 192]", ex.Message);
        // Nothing was copied.
        Assert.True(Golden.Same(model.get_parameter("norm.weight")!, before));
    }

    [SkippableFact]
    public void UnexpectedKeysAreListed()
    {
        using var state = SafetensorsReader.Read(Golden.Require("dinov2/state_dict.safetensors"));
        string path = Path.Combine(_dir, "extra.safetensors");
        SafetensorsWriter.Write(path, state.Names.Select(n => (n, state[n]))
            .Append(("blocks.0.attn.bogus", zeros(3, 2))));
        using var model = new DinoVisionTransformer(VitConfig.Fixture);

        var ex = Assert.Throws<CheckpointMismatchException>(() => VitCheckpointLoader.Load(model, path));
        Assert.Empty(ex.Missing);
        Assert.Empty(ex.WrongShape);
        Assert.Equal("blocks.0.attn.bogus", Assert.Single(ex.Unexpected).Name);
        Assert.Contains("blocks.0.attn.bogus [3, 2]", ex.Message);
    }

    [SkippableFact]
    public void ReleasedMosicLayoutLoadsWithPrefixAndSmallGrid()
    {
        using var state = SafetensorsReader.Read(Golden.Require("dinov2/state_dict.safetensors"));
        using var scope = NewDisposeScope();
        // A timm 224-input backbone saved inside a wrapper: two-level prefix, 1 + 16×16 positions, no mask token,
        // and a head that belongs to another network in the file.
        var pos16 = PosEmbedResize.LoadTime(state["pos_embed"], 16, 16);
        var tensors = state.Names.Where(n => n != "mask_token")
            .Select(n => ("feature_extractor.model." + n, n == "pos_embed" ? pos16 : state[n]))
            .Append(("head.prototypes.weight", ones(10, 96)))
            .ToList();
        string path = Path.Combine(_dir, "mosic.safetensors");
        SafetensorsWriter.Write(path, tensors);

        // Built for 224 input: the positional grid matches directly.
        using var at224 = new DinoVisionTransformer(VitConfig.Fixture with { ImageSize = 224 });
        var report = VitCheckpointLoader.Load(at224, path);
        Assert.Equal("feature_extractor.model.", report.StrippedPrefix);
        Assert.Null(report.PosEmbedResampledFrom);
        Assert.True(report.MaskTokenMissing);
        Assert.Equal(1, report.Ignored);
        Assert.True(Golden.Same(at224.PositionalEmbedding, pos16));
        Assert.True(Golden.Same(at224.get_parameter("blocks.1.mlp.fc2.weight")!, state["blocks.1.mlp.fc2.weight"]));

        // Built for the official 37×37 grid: resampled at load the way timm's set_input_size does.
        using var at518 = new DinoVisionTransformer(VitConfig.Fixture);
        report = VitCheckpointLoader.Load(at518, path);
        Assert.Equal(16, report.PosEmbedResampledFrom);
        Golden.AssertClose(at518.PositionalEmbedding, PosEmbedResize.LoadTime(pos16, 37, 37), 0, "resampled 16→37");

        // Strict refuses the same file.
        using var strict = new DinoVisionTransformer(VitConfig.Fixture);
        var ex = Assert.Throws<CheckpointMismatchException>(() =>
            VitCheckpointLoader.Load(strict, path, VitLoadOptions.Strict with { Prefix = "feature_extractor.model." }));
        Assert.Contains(ex.Missing, m => m.Name == "mask_token");
        Assert.Contains(ex.WrongShape, w => w.Name == "pos_embed");
    }

    [SkippableFact]
    public void SeveralBackbonesNeedAnExplicitPrefix()
    {
        using var state = SafetensorsReader.Read(Golden.Require("dinov2/state_dict.safetensors"));
        string path = Path.Combine(_dir, "two.safetensors");
        SafetensorsWriter.Write(path, state.Names.SelectMany(n => new[] { ("student." + n, state[n]), ("teacher." + n, state[n]) }));
        using var model = new DinoVisionTransformer(VitConfig.Fixture);

        var ex = Assert.Throws<InvalidDataException>(() => VitCheckpointLoader.Load(model, path));
        Assert.Contains("'student.'", ex.Message);
        Assert.Contains("'teacher.'", ex.Message);

        var report = VitCheckpointLoader.Load(model, path, new VitLoadOptions(Prefix: "teacher."));
        Assert.Equal(state.Count, report.Ignored);
        Assert.Equal(state.Count, report.Loaded);
    }

    [Fact]
    public void MalformedSafetensorsNamesTheFile()
    {
        MoSiC.Stream.Model.TorchRuntime.EnsureLoaded();
        string path = Path.Combine(_dir, "broken.safetensors");
        File.WriteAllBytes(path, [16, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        var ex = Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(path));
        Assert.Contains(path, ex.Message);

        string truncated = Path.Combine(_dir, "truncated.safetensors");
        using (var t = ones(4, 4))
            SafetensorsWriter.Write(truncated, [("w", t)]);
        byte[] bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..^4]);
        ex = Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(truncated));
        Assert.Contains("'w'", ex.Message);
    }

    [Fact]
    public void SafetensorsRoundTripsValuesAndShapes()
    {
        MoSiC.Stream.Model.TorchRuntime.EnsureLoaded();
        string path = Path.Combine(_dir, "rt.safetensors");
        using var a = arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4);
        using var b = tensor(new float[] { -1.5f });
        SafetensorsWriter.Write(path, [("a", a), ("b", b)]);
        using var state = CheckpointFile.Read(path);
        Assert.Equal(["a", "b"], state.Names);
        Assert.True(Golden.Same(state["a"], a));
        Assert.True(Golden.Same(state["b"], b));
    }

    private sealed class MissingComparer : IEqualityComparer<(string, long[])>
    {
        public bool Equals((string, long[]) x, (string, long[]) y) => x.Item1 == y.Item1 && x.Item2.SequenceEqual(y.Item2);
        public int GetHashCode((string, long[]) obj) => obj.Item1.GetHashCode(StringComparison.Ordinal);
    }
}
