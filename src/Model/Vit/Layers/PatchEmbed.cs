using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Vit.Layers;

/// <summary>Non-overlapping patch projection: a conv with kernel = stride = patch size, flattened to tokens.</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    // Field name is the state-dict name (patch_embed.proj.*).
    private readonly Conv2d proj;

    /// <summary>Builds the projection from 3 channels to <paramref name="embedDim"/>.</summary>
    /// <param name="patchSize">Kernel size and stride.</param>
    /// <param name="embedDim">Output channels (token width).</param>
    public PatchEmbed(int patchSize, int embedDim) : base(nameof(PatchEmbed))
    {
        proj = nn.Conv2d(3, embedDim, patchSize, stride: patchSize);
        RegisterComponents();
    }

    /// <summary>(B, 3, H, W) → (B, H/p · W/p, D), row-major over the patch grid.</summary>
    public override Tensor forward(Tensor images)
    {
        using var map = proj.forward(images);
        using var flat = map.flatten(2);
        return flat.transpose(1, 2);
    }
}
