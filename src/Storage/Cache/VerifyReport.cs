namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// What verify found, and with repair what it did: <see cref="Repaired"/> lists the problems it fixed (broken parts
/// dropped from a new snapshot so their clips are recomputed, stray files deleted).
/// </summary>
public sealed record VerifyReport(IReadOnlyList<CacheProblem> Problems, IReadOnlyList<CacheProblem> Repaired, int PartsChecked, int ClipsLost)
{
    /// <summary>True when verify found nothing wrong.</summary>
    public bool Clean => Problems.Count == 0;
}
