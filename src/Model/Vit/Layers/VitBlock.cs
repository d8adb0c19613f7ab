using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Vit.Layers;

/// <summary>Pre-norm transformer block: x += ls1(attn(norm1(x))); x += ls2(mlp(norm2(x))).</summary>
public sealed class VitBlock : nn.Module<Tensor, Tensor>
{
    // Declaration order is state-dict order, matching the official key lists.
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly LayerScale ls1;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly LayerScale ls2;

    /// <summary>Builds one block for <paramref name="config"/>.</summary>
    /// <param name="config">Validated architecture.</param>
    public VitBlock(VitConfig config) : base(nameof(VitBlock))
    {
        norm1 = nn.LayerNorm(config.EmbedDim, eps: config.LayerNormEps);
        attn = new Attention(config.EmbedDim, config.NumHeads);
        ls1 = new LayerScale(config.EmbedDim, config.LayerScaleInit);
        norm2 = nn.LayerNorm(config.EmbedDim, eps: config.LayerNormEps);
        mlp = new Mlp(config.EmbedDim, config.MlpHidden);
        ls2 = new LayerScale(config.EmbedDim, config.LayerScaleInit);
        RegisterComponents();
    }

    /// <summary>(B, N, D) → (B, N, D).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x + ls1.forward(attn.forward(norm1.forward(x)));
        var y = h + ls2.forward(mlp.forward(norm2.forward(h)));
        return y.MoveToOuterDisposeScope();
    }
}
