using TorchSharp.Modules;

namespace MoSiC.Stream.Model.Train.Optim;

/// <summary>Parameters sharing a base learning rate and weight decay.</summary>
/// <param name="Name">Group name (e.g. <c>backbone.decay</c>), used in checkpoints and logs.</param>
/// <param name="LearningRate">Base rate, before the schedule.</param>
/// <param name="WeightDecay">Decoupled decay coefficient.</param>
/// <param name="Parameters">Named parameters (names are unique across the optimiser: they key its state).</param>
public sealed record OptimizerGroup(string Name, double LearningRate, double WeightDecay, IReadOnlyList<(string Name, Parameter Parameter)> Parameters);
