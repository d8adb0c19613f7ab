using System.Globalization;
using MoSiC.Stream.Storage.Cache.Claims;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// The lock a training run holds on <c>trainer.checkpointDir</c> from its start to its last write
/// (<c>DIR/.run.lock</c>, a <see cref="ClaimFile"/>, as the cache's video claims are): two runs training into one folder
/// would interleave their checkpoints, logs and exports. A lock left by a dead process on this host is taken over at
/// once; one from another host after <see cref="StaleAfter"/> without a refresh, which the holder does every
/// <see cref="RefreshEvery"/>.
/// </summary>
internal sealed class CheckpointFolderLock : IDisposable
{
    /// <summary>The lock file's name inside the checkpoint folder.</summary>
    public const string FileName = ".run.lock";

    /// <summary>How old another host's lock must be to count as dead.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    /// <summary>How often the holder rewrites its time: well inside <see cref="StaleAfter"/>, so a slow file system never makes a live run look dead.</summary>
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromMinutes(1);

    private readonly ClaimFile _claim;
    private readonly ITimer _refresh;

    private CheckpointFolderLock(ClaimFile claim, TimeProvider clock)
    {
        _claim = claim;
        _refresh = clock.CreateTimer(_ => Refresh(), null, RefreshEvery, RefreshEvery);
    }

    /// <summary>Takes the lock on <paramref name="checkpointDir"/>, or throws <see cref="RunSetupException"/> naming the run that holds it.</summary>
    public static CheckpointFolderLock Take(string checkpointDir, TimeProvider clock)
    {
        string path = Path.Combine(checkpointDir, FileName);
        if (ClaimFile.TryTake(path, StaleAfter, clock) is { } claim) return new CheckpointFolderLock(claim, clock);
        string holder = ClaimFile.HolderOf(path) is { } h
            ? string.Create(CultureInfo.InvariantCulture, $"host {h.Host}, PID {h.Pid}, since {h.Since.ToLocalTime():yyyy-MM-dd HH:mm:ss}")
            : "a run that is starting or ending right now";
        throw new RunSetupException(
            $"trainer.checkpointDir \"{checkpointDir}\" is in use by another run ({holder}; lock file {Path.GetFullPath(path)}). " +
            "Wait for it to finish, or point trainer.checkpointDir at another folder. A lock left by a crashed run is taken over by itself.");
    }

    public void Dispose()
    {
        _refresh.Dispose();
        _claim.Dispose();
    }

    private void Refresh()
    {
        try
        {
            _claim.Refresh();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A missed refresh is harmless until StaleAfter; the next tick tries again.
        }
    }
}
