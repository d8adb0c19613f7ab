namespace MoSiC.Stream.Storage.Cache;

/// <summary>What gc did: clips (rows) removed, parts deleted whole, parts rewritten without some rows, bytes freed.</summary>
public sealed record CollectReport(int ClipsRemoved, int PartsDeleted, int PartsRewritten, long BytesFreed)
{
    /// <summary>Manifest records gc left alone because they name paths that are not the cache's (dropped from its snapshot, nothing deleted).</summary>
    public IReadOnlyList<CacheProblem> Skipped { get; init; } = [];
}
