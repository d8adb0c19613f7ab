namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// What gc would remove for a keep set, read from the manifest without touching a file: the cache's clips in all,
/// the clips and videos that would go, and the parts that would be deleted whole or rewritten.
/// </summary>
public sealed record CollectPlan(int ClipsTotal, int ClipsRemoved, IReadOnlyList<CollectedVideo> Videos, int PartsDeleted, int PartsRewritten, long BytesOfDeletedParts)
{
    /// <summary>The share of the cache's clips that would go (0 for an empty cache).</summary>
    public double RemovedShare => ClipsTotal == 0 ? 0 : (double)ClipsRemoved / ClipsTotal;
}

/// <summary>One video whose clips gc would remove: its content hash, its clips, and the partitions (track sets) holding them.</summary>
public sealed record CollectedVideo(string Hash, int Clips, IReadOnlyList<string> Partitions);
