using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Synthetic;

namespace MoSiC.Stream.Runner.Pipelines;

/// <summary>
/// Every tracker a pipeline or <c>--tracker</c> can name: the stage's own (<see cref="TrackerFactory.BuiltIn"/>) and
/// those of higher layers, composed here because Stages may not reference them (synthetic-truth lives in Synthetic).
/// </summary>
internal static class PipelineTrackers
{
    public static TrackerCatalog All { get; } = TrackerFactory.BuiltIn.With(SyntheticTruthTracker.Registration);
}
