using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Storage.Cache.Files;

/// <summary>
/// The exclusive lock of maintenance (verify --repair, gc, compaction): <c>DIR/.lock</c> opened with
/// <see cref="FileShare.None"/>, which .NET backs with <c>flock(LOCK_EX)</c> on Linux, so it holds across processes
/// and is released by the kernel if the holder dies. Writers never take it: they only add files, and maintenance
/// copes with additions made while it runs.
/// </summary>
internal sealed class MaintenanceLock : IDisposable
{
    private readonly FileStream _stream;

    private MaintenanceLock(FileStream stream) => _stream = stream;

    /// <summary>Waits (polling) until the lock is free or <paramref name="timeout"/> passes; the timeout throws <see cref="TimeoutException"/> naming the lock file.</summary>
    public static async Task<MaintenanceLock> AcquireAsync(string path, TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        long start = clock.GetTimestamp();
        // Opening a pipe would block and a link would lock (and create) a file elsewhere: only our regular file is opened.
        if (FileKinds.Of(path, followLinks: false) is not (FileKind.Missing or FileKind.Regular) and var kind)
            throw new UnsafeFileException(path, $"{path}: {ConfinedFolder.Describe(kind)} where the cache's lock file should be; remove it and run again");
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return new MaintenanceLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (clock.GetElapsedTime(start) < timeout)
            {
                // Held by another maintenance run; flock has no wait with a timeout in .NET, so poll.
                await Task.Delay(TimeSpan.FromMilliseconds(50), clock, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new TimeoutException($"{path}: another maintenance run (verify --repair, gc or compaction) held the lock for {timeout.TotalSeconds:0.#} s", e);
            }
        }
    }

    /// <summary>Releases the lock. The file stays: deleting it would let a third process lock a different inode.</summary>
    public void Dispose() => _stream.Dispose();
}
