namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// The largest files the cache reads, checked against the file's size before anything is allocated: a shared cache
/// may hold a file someone else made, and its size must not decide how much memory we take. Each is far above what
/// the cache writes (a part is one tracker batch, tens of MB; a snapshot lists every clip, about 170 bytes each).
/// </summary>
internal static class CacheLimits
{
    /// <summary>A Parquet part: 1 GiB.</summary>
    public const long PartBytes = 1L << 30;

    /// <summary>A manifest entry (a snapshot of about 1.5 million clips): 256 MiB.</summary>
    public const long EntryBytes = 256L << 20;

    /// <summary><c>_set.json</c>: 1 MiB.</summary>
    public const long SetFileBytes = 1L << 20;

    /// <summary>A claim file (host, pid, time): 4 KiB.</summary>
    public const long ClaimBytes = 4096;
}
