using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Vit;

public class FreezeAndConfigTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void FreezeBlocksLeavesExactlyTheLaterBlocksTrainable(int frozen, bool freezeNorm)
    {
        TorchRuntime.EnsureLoaded();
        using var model = new DinoVisionTransformer(VitConfig.Tiny);
        model.FreezeBlocks(frozen, freezeNorm);

        var expected = model.named_parameters().Select(p => p.name)
            .Where(n => Enumerable.Range(frozen, 4 - frozen).Any(i => n.StartsWith($"blocks.{i}.", StringComparison.Ordinal))
                        || (!freezeNorm && n.StartsWith("norm.", StringComparison.Ordinal)))
            .ToList();
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.Equal(expected, trainable);
        Assert.Equal(14 * (4 - frozen) + (freezeNorm ? 0 : 2), trainable.Count);
    }

    [Fact]
    public void FreezingThenUnfreezingRestoresEverything()
    {
        TorchRuntime.EnsureLoaded();
        using var model = new DinoVisionTransformer(VitConfig.Tiny with { RegisterTokens = 4 });
        model.FreezeBlocks(4, freezeFinalNorm: true);
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        model.FreezeBlocks(0);
        var frozen = model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.Equal(["cls_token", "pos_embed", "register_tokens", "mask_token", "patch_embed.proj.weight", "patch_embed.proj.bias"], frozen);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.FreezeBlocks(5));
    }

    [Fact]
    public void TinyForwardGivesShapesAndGradientsOnlyWhereTrainable()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = new DinoVisionTransformer(VitConfig.Tiny);
        model.FreezeBlocks(3, freezeFinalNorm: true);
        var images = randn(2, 3, 224, 168);
        using var f = model.forward(images);
        Assert.Equal(new long[] { 2, 16 * 12, 192 }, f.PatchTokens.shape);
        Assert.Equal(new long[] { 2, 192 }, f.ClassToken.shape);
        Assert.Equal(new long[] { 2, 1 + 192, 192 }, f.Prenorm.shape);
        f.PatchTokens.square().mean().backward();
        foreach (var (name, p) in model.named_parameters())
            Assert.Equal(name.StartsWith("blocks.3.", StringComparison.Ordinal), p.grad is not null);
    }

    [Fact]
    public void RejectsBadInputsAndConfigs()
    {
        TorchRuntime.EnsureLoaded();
        using var model = new DinoVisionTransformer(VitConfig.Tiny);
        using var odd = zeros(1, 3, 100, 112);
        Assert.Contains("patch size 14", Assert.Throws<ArgumentException>(() => model.forward(odd)).Message);
        Assert.Contains("vit.numHeads", Assert.Throws<ArgumentException>(() => new DinoVisionTransformer(VitConfig.Tiny with { NumHeads = 5 })).Message);
        Assert.Contains("vit.imageSize", Assert.Throws<ArgumentException>(() => (VitConfig.Tiny with { ImageSize = 200 }).Validate()).Message);
        Assert.Throws<ArgumentException>(() => VitConfig.FromName("vit_huge"));
        Assert.Equal(37, VitConfig.FromName("VITB14_REG4").GridSize);
        Assert.True(VitConfig.VitS14Reg4.InterpolateAntialias);
        Assert.Equal(0.0, VitConfig.VitS14Reg4.InterpolateOffset);
        Assert.Equal(0.1, VitConfig.VitB14.InterpolateOffset);
    }
}
