using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Vit.Layers;

/// <summary>Multi-head self-attention with a fused qkv projection (rows ordered q, k, v, each split into heads).</summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int _heads;

    /// <summary>Builds the qkv and output projections, both with bias as in DINOv2.</summary>
    /// <param name="dim">Token width.</param>
    /// <param name="heads">Head count; must divide <paramref name="dim"/>.</param>
    public Attention(int dim, int heads) : base(nameof(Attention))
    {
        qkv = nn.Linear(dim, 3L * dim, hasBias: true);
        proj = nn.Linear(dim, dim, hasBias: true);
        _heads = heads;
        RegisterComponents();
    }

    /// <summary>(B, N, D) → (B, N, D): softmax(q kᵀ / √head_dim) v per head, then the output projection.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        var parts = qkv.forward(x).reshape(b, n, 3, _heads, d / _heads).permute(2, 0, 3, 1, 4);
        // LibTorch's fused kernel uses the default 1/√head_dim scale, the same as DINOv2's explicit path.
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        var merged = attended.transpose(1, 2).reshape(b, n, d);
        return proj.forward(merged).MoveToOuterDisposeScope();
    }
}
