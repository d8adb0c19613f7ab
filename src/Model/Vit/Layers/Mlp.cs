using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Vit.Layers;

/// <summary>Two-layer feed-forward network with exact (erf) GELU, as DINOv2's <c>ffn_layer="mlp"</c>.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    /// <summary>Builds fc1 (dim → hidden) and fc2 (hidden → dim), both with bias.</summary>
    /// <param name="dim">Token width.</param>
    /// <param name="hidden">Hidden width.</param>
    public Mlp(int dim, int hidden) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(dim, hidden, hasBias: true);
        fc2 = nn.Linear(hidden, dim, hasBias: true);
        RegisterComponents();
    }

    /// <summary>fc2(GELU(fc1(x))).</summary>
    public override Tensor forward(Tensor x)
    {
        using var h = fc1.forward(x);
        // The tanh approximation shifts the fixture outputs by 1e-3 (golden README), so keep exact GELU.
        using var a = nn.functional.gelu(h);
        return fc2.forward(a);
    }
}
