namespace MoSiC.Stream.Tests.Support;

/// <summary>
/// Tests that seed LibTorch's process-wide generator (then build or draw from seeded modules) or change its thread
/// count run alone: another test drawing from the same generator in between, or changing the thread count (and with
/// it the order of float reductions), would make their bit-exact expectations fail at random.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "LibTorch global state";
}
