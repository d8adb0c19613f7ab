namespace MoSiC.Stream.Storage.Cache;

/// <summary>What verify found wrong with a file of the cache.</summary>
public enum CacheProblemKind
{
    /// <summary>A manifest entry names a part whose file is gone.</summary>
    PartMissing,

    /// <summary>A part's size differs from the size its manifest entry recorded.</summary>
    SizeMismatch,

    /// <summary>A part's SHA-256 differs from the one its manifest entry recorded.</summary>
    ChecksumMismatch,

    /// <summary>A part's bytes match but are not a Parquet file we can read (e.g. no footer), or hold other rows than listed.</summary>
    UnreadablePart,

    /// <summary>A temporary file of an interrupted write (older than <see cref="TrajectoryCacheOptions.StaleAfter"/>).</summary>
    StrayTemp,

    /// <summary>A part no manifest entry names (its writer died before the entry), older than <see cref="TrajectoryCacheOptions.StaleAfter"/>.</summary>
    OrphanPart,

    /// <summary>A manifest entry that does not parse or fails its checksum (a torn write); it is ignored.</summary>
    TornEntry,

    /// <summary>
    /// A manifest entry names a partition or file that is not one of our generated names (an absolute path, <c>..</c>,
    /// anything else): ignored by every reader, dropped from the manifest by repair, never deleted from the disk.
    /// </summary>
    UnsafePath,

    /// <summary>
    /// Where the cache expects a regular file or folder of its own there is a symbolic link, a named pipe, a device or
    /// a socket: never read, never followed and never deleted (repair drops a manifest record naming it; the thing
    /// itself is left for a person to look at).
    /// </summary>
    NotRegularFile,
}

/// <summary>One problem: its kind, the file (absolute path) and what exactly is wrong.</summary>
public sealed record CacheProblem(CacheProblemKind Kind, string Path, string Detail)
{
    public override string ToString() => $"{Kind}: {Path}: {Detail}";
}
