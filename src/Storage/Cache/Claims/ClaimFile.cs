using System.Globalization;
using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Storage.Cache.Claims;

/// <summary>
/// A file that says "this process holds it": created exclusively, holding the host, process id and time. While it
/// exists other processes leave what it guards to its holder. A claim whose process is gone (same host), or whose time
/// is older than the stale age (another host, where the process cannot be asked), is taken over; a long holder calls
/// <see cref="Refresh"/> so it is not mistaken for a dead one. Disposing removes it. The cache's video claims and the
/// run lock of a checkpoint folder are both this.
/// </summary>
public sealed class ClaimFile : IDisposable
{
    private readonly TimeProvider _clock;
    private int _released;

    private ClaimFile(string path, TimeProvider clock) => (Path, _clock) = (path, clock);

    /// <summary>The claim's file.</summary>
    public string Path { get; }

    /// <summary>Creates <paramref name="path"/> for this process, or returns null when a live holder has it.</summary>
    public static ClaimFile? TryTake(string path, TimeSpan staleAfter, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(clock);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                using (var writer = new StreamWriter(file))
                {
                    writer.Write(Content(clock));
                }

                return new ClaimFile(path, clock);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!IsStale(path, staleAfter, clock)) return null;
                // A dead holder's claim. Two processes may both see it stale; the exclusive create above still lets one win.
                AtomicFile.TryDelete(path);
            }
        }

        return null;
    }

    /// <summary>Who holds the claim at <paramref name="path"/>, or null when there is none or it cannot be read.</summary>
    public static ClaimHolder? HolderOf(string path)
    {
        try
        {
            return Parse(File.ReadAllLines(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the current time into the claim, so processes on other hosts keep seeing a live holder.</summary>
    public void Refresh()
    {
        if (Volatile.Read(ref _released) == 0) File.WriteAllText(Path, Content(_clock));
    }

    /// <summary>Gives the claim back.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) AtomicFile.TryDelete(Path);
    }

    /// <summary>What a claim holds for this process now: host, process id and time, one per line.</summary>
    internal static string Content(TimeProvider clock) =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}\n{Environment.ProcessId}\n{clock.GetUtcNow():O}\n");

    /// <summary>The holder a claim's lines name, or null when they are not a claim's (being written, or foreign).</summary>
    internal static ClaimHolder? Parse(IReadOnlyList<string> lines) =>
        lines.Count >= 3 && int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
        && DateTimeOffset.TryParse(lines[2], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset since)
            ? new ClaimHolder(lines[0], pid, since) : null;

    /// <summary>
    /// Whether a claim held by <paramref name="holder"/> may be taken over: its process is gone (this host), or its time
    /// is older than <paramref name="staleAfter"/> (another host). A claim whose holder cannot be read is judged by its
    /// file's age (<paramref name="modifiedUtc"/>; null when even that is unknown: left alone).
    /// </summary>
    internal static bool IsStale(ClaimHolder? holder, Func<DateTime?> modifiedUtc, TimeSpan staleAfter, TimeProvider clock)
    {
        if (holder is null) return modifiedUtc() is { } modified && clock.GetUtcNow() - modified > staleAfter;
        if (holder.Host != Environment.MachineName) return clock.GetUtcNow() - holder.Since > staleAfter;
        if (holder.Pid == Environment.ProcessId) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(holder.Pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static bool IsStale(string path, TimeSpan staleAfter, TimeProvider clock)
    {
        if (!File.Exists(path)) return true;
        return IsStale(HolderOf(path), () => LastWrite(path), staleAfter, clock);
    }

    // Being written right now, or not ours to parse: only its age can tell.
    private static DateTime? LastWrite(string path)
    {
        try
        {
            return File.GetLastWriteTimeUtc(path);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>Who holds a claim: host name, process id and when it took (or last refreshed) it.</summary>
public sealed record ClaimHolder(string Host, int Pid, DateTimeOffset Since);
