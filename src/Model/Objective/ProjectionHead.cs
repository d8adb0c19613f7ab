using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MoSiC.Stream.Model.Objective;

/// <summary>
/// The MoSiC projection head (SMSD75/MoSiC <c>exp_mosic.py</c> L93-101): Linear in→1024, GELU, Linear 1024→1024,
/// GELU, Linear 1024→512, GELU, Linear 512→out, no norm layers, PyTorch default init; the output is
/// L2-normalised over the last axis.
/// </summary>
public sealed class ProjectionHead : nn.Module<Tensor, Tensor>
{
    /// <summary>Hidden widths of the reference head.</summary>
    public static readonly IReadOnlyList<int> HiddenDims = [1024, 1024, 512];

    private readonly Sequential mlp;

    /// <summary>A head mapping <paramref name="inputDim"/>-d point features to unit <paramref name="outputDim"/>-d vectors.</summary>
    /// <param name="inputDim">Backbone feature width (ViT-S 384, ViT-B 768).</param>
    /// <param name="outputDim">Projection width (reference 256).</param>
    /// <param name="name">Module name.</param>
    public ProjectionHead(int inputDim = 384, int outputDim = 256, string name = "head") : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDim, 1);
        InputDim = inputDim;
        OutputDim = outputDim;
        mlp = nn.Sequential(
            ("0", nn.Linear(inputDim, HiddenDims[0])), ("1", nn.GELU()),
            ("2", nn.Linear(HiddenDims[0], HiddenDims[1])), ("3", nn.GELU()),
            ("4", nn.Linear(HiddenDims[1], HiddenDims[2])), ("5", nn.GELU()),
            ("6", nn.Linear(HiddenDims[2], outputDim)));
        RegisterComponents();
    }

    /// <summary>Input feature width.</summary>
    public int InputDim { get; }

    /// <summary>Output (projection) width.</summary>
    public int OutputDim { get; }

    /// <summary>Projects [..., in] to unit vectors [..., out].</summary>
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        return F.normalize(mlp.forward(features), p: 2, dim: -1).MoveToOuterDisposeScope();
    }
}
