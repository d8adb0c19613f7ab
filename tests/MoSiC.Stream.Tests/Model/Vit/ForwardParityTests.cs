using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Vit;

/// <summary>forward_features against the official DINOv2 code on the fixture weights, at every stored input size.</summary>
public class ForwardParityTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string variant in new[] { "dinov2", "dinov2_reg4" })
            foreach (string ext in new[] { "pth", "safetensors" })
                foreach (string size in new[] { "", "_112", "_224x154" })
                    data.Add(variant, ext, size);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ForwardFeaturesMatchReference(string variant, string extension, string size)
    {
        using var model = Golden.LoadModel(variant, extension);
        using var io = MoSiC.Stream.Model.Checkpoints.SafetensorsReader.Read(Golden.Require($"{variant}/io.safetensors"));
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var input = io["input" + size];
        using var f = model.forward(input);
        Golden.AssertClose(f.ClassToken, io["x_norm_clstoken" + size], Golden.NormTol, "x_norm_clstoken" + size);
        Golden.AssertClose(f.PatchTokens, io["x_norm_patchtokens" + size], Golden.NormTol, "x_norm_patchtokens" + size);
        Golden.AssertClose(f.Prenorm, io["x_prenorm" + size], Golden.PrenormTol, "x_prenorm" + size);
        if (variant == "dinov2_reg4")
            Golden.AssertClose(f.RegisterTokens, io["x_norm_regtokens" + size], Golden.NormTol, "x_norm_regtokens" + size);
        else
            Assert.Equal(0, f.RegisterTokens.shape[1]);

        var expectedPos = io["pos_embed_interp" + size];
        Golden.AssertClose(model.InterpolatePosEncoding((int)input.shape[2], (int)input.shape[3]), expectedPos,
            Golden.PosEmbedTol, "pos_embed_interp" + size);
        Assert.Equal((int)input.shape[2] / 14, f.GridRows);
        Assert.Equal((int)input.shape[3] / 14, f.GridCols);
    }

    [SkippableFact]
    public void TrainedGridUsesPosEmbedUnchanged()
    {
        using var model = Golden.LoadModel("dinov2", "safetensors");
        using var io = MoSiC.Stream.Model.Checkpoints.SafetensorsReader.Read(Golden.Require("dinov2/io.safetensors"));
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        // Stored as fp16 that the reference used exactly; cast to fp32 for the exact input.
        var input = io["input_518"].to(ScalarType.Float32);
        using var f = model.forward(input);
        Golden.AssertClose(f.Prenorm, io["x_prenorm_518"], Golden.PrenormTol, "x_prenorm_518");
        Golden.AssertClose(f.ClassToken, io["x_norm_clstoken_518"], Golden.NormTol, "x_norm_clstoken_518");
        Assert.Equal(0.0, Golden.MaxAbsDiff(model.InterpolatePosEncoding(518, 518), model.PositionalEmbedding));
    }

    [SkippableFact]
    public void IntermediateLayersMatchReference()
    {
        using var model = Golden.LoadModel("dinov2", "pth");
        using var io = MoSiC.Stream.Model.Checkpoints.SafetensorsReader.Read(Golden.Require("dinov2/io.safetensors"));
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var layers = model.IntermediateLayers(io["input"], 2);
        Assert.Equal(2, layers.Count);
        for (int i = 0; i < 2; i++)
        {
            Golden.AssertClose(layers[i].Patches, io[$"gil_n2_patch_{i}"], Golden.NormTol, $"gil_n2_patch_{i}");
            Golden.AssertClose(layers[i].ClassToken, io[$"gil_n2_cls_{i}"], Golden.NormTol, $"gil_n2_cls_{i}");
        }
    }
}
