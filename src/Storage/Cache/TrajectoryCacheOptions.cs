namespace MoSiC.Stream.Storage.Cache;

/// <summary>Settings of a <see cref="TrajectoryCache"/>; validated once, when the cache is opened.</summary>
public sealed record TrajectoryCacheOptions
{
    /// <summary>
    /// After a write, compact (write a snapshot, drop the entries it holds) once this many deltas follow the newest
    /// snapshot, if no maintenance run holds the lock. Default 256; 0 turns automatic compaction off.
    /// </summary>
    public int CompactAfterDeltas { get; init; } = 256;

    /// <summary>
    /// Temporary files and unlisted parts younger than this may belong to a writer still at work, so verify neither
    /// reports nor removes them. Default 1 hour.
    /// </summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long maintenance waits for another maintenance run's lock before it gives up. Default 30 s.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fault injection for reliability tests (<see cref="IStorageFaults"/>); null, the default, injects nothing.</summary>
    public IStorageFaults? Faults { get; init; }

    /// <summary>Clock for entry times, file ages and lock waits (tests pass a fake one). Default the system clock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    internal void ThrowIfInvalid()
    {
        if (CompactAfterDeltas < 0) throw new ArgumentOutOfRangeException(nameof(CompactAfterDeltas), CompactAfterDeltas, "cache.compactAfterDeltas must be >= 0 (0 = off)");
        if (StaleAfter < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StaleAfter), StaleAfter, "cache.staleAfter must be >= 0");
        if (LockTimeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(LockTimeout), LockTimeout, "cache.lockTimeout must be >= 0");
        ArgumentNullException.ThrowIfNull(Clock, nameof(Clock));
    }
}
