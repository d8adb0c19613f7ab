using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Vit.Layers;

/// <summary>Per-channel learned scale of a residual branch (<c>ls1.gamma</c>, <c>ls2.gamma</c>).</summary>
public sealed class LayerScale : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gamma;

    /// <summary>Creates gamma filled with <paramref name="init"/>.</summary>
    /// <param name="dim">Token width.</param>
    /// <param name="init">Initial value; checkpoints overwrite it.</param>
    public LayerScale(int dim, double init) : base(nameof(LayerScale))
    {
        gamma = new Parameter(full(dim, init));
        RegisterComponents();
    }

    /// <summary>x ⊙ gamma.</summary>
    public override Tensor forward(Tensor x) => x.mul(gamma);
}
