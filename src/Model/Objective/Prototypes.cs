using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MoSiC.Stream.Model.Objective;

/// <summary>
/// K trainable prototype vectors (SMSD75/MoSiC <c>exp_mosic.py</c> L107-116): initialised from a standard normal
/// with unit rows, re-normalised at the start of every step, scored by dot product (cosine for unit inputs).
/// </summary>
public sealed class Prototypes : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;

    /// <summary><paramref name="count"/> prototypes of width <paramref name="dim"/>.</summary>
    /// <param name="count">K (reference 100).</param>
    /// <param name="dim">Projection width (reference 256).</param>
    /// <param name="generator">Random source for the initial directions (null: torch's default generator).</param>
    /// <param name="name">Module name.</param>
    public Prototypes(int count = 100, int dim = 256, Generator? generator = null, string name = "prototypes") : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        using (no_grad())
        {
            using var init = randn(new long[] { count, dim }, generator: generator);
            weight = nn.Parameter(F.normalize(init, p: 2, dim: 1));
        }
        RegisterComponents();
    }

    /// <summary>The [K, D] prototype matrix (a trainable parameter).</summary>
    public Parameter Weight => weight;

    /// <summary>K.</summary>
    public long Count => weight.shape[0];

    /// <summary>
    /// Scales every prototype back to unit length, in place and outside autograd, as the reference does
    /// at the start of each step (the optimiser's update leaves them off the sphere).
    /// </summary>
    public void Renormalise()
    {
        using var noGrad = no_grad();
        using var unit = F.normalize(weight, p: 2, dim: 1);
        weight.copy_(unit);
    }

    /// <summary>Scores [..., K] = z · Cᵀ for projected points z [..., D].</summary>
    public override Tensor forward(Tensor z) => matmul(z, weight.t());
}
