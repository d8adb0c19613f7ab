using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Train.Optim;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace MoSiC.Stream.Model.Train;

/// <summary>
/// The reference's optimiser groups (SMSD75/MoSiC <c>exp_mosic.py</c> L169-192): for backbone and head, one group of
/// trainable weights with decay and one of biases and 1-D parameters without; the prototypes on their own, with decay.
/// </summary>
public static class ParameterGroups
{
    /// <summary>Groups over the parameters that require gradients, named <c>backbone.*</c>, <c>head.*</c>, <c>prototypes.*</c>.</summary>
    /// <param name="backbone">Student backbone (frozen parameters are left out).</param>
    /// <param name="head">Student projection head.</param>
    /// <param name="prototypes">Student prototypes.</param>
    /// <param name="options">Rates and decay.</param>
    public static IReadOnlyList<OptimizerGroup> For(DinoVisionTransformer backbone, ProjectionHead head, Prototypes prototypes, MosicTrainerOptions options)
    {
        var groups = new List<OptimizerGroup>();
        groups.AddRange(Split("backbone", backbone, options.LearningRateBackbone, options.WeightDecay));
        groups.AddRange(Split("head", head, options.LearningRateHead, options.WeightDecay));
        groups.Add(new OptimizerGroup("prototypes", options.LearningRateHead, options.WeightDecay, Trainable("prototypes", prototypes).ToList()));
        return groups;
    }

    /// <summary>Whether a parameter gets weight decay: weights with ≥ 2 dimensions that are not biases.</summary>
    /// <param name="name">Parameter name.</param>
    /// <param name="parameter">The parameter.</param>
    public static bool Decays(string name, Parameter parameter) =>
        parameter.dim() >= 2 && !name.EndsWith(".bias", StringComparison.Ordinal) && name != "bias";

    private static IEnumerable<OptimizerGroup> Split(string prefix, nn.Module module, double lr, double weightDecay)
    {
        var all = Trainable(prefix, module).ToList();
        yield return new OptimizerGroup(prefix + ".decay", lr, weightDecay, all.Where(p => Decays(p.Name, p.Parameter)).ToList());
        yield return new OptimizerGroup(prefix + ".no_decay", lr, 0, all.Where(p => !Decays(p.Name, p.Parameter)).ToList());
    }

    private static IEnumerable<(string Name, Parameter Parameter)> Trainable(string prefix, nn.Module module) =>
        module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => ($"{prefix}.{p.name}", p.parameter));
}
