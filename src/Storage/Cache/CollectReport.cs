namespace MoSiC.Stream.Storage.Cache;

/// <summary>What gc did: clips (rows) removed, parts deleted whole, parts rewritten without some rows, bytes freed.</summary>
public sealed record CollectReport(int ClipsRemoved, int PartsDeleted, int PartsRewritten, long BytesFreed);
