using System.Globalization;
using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Storage.Cache.Claims;

/// <summary>
/// A process's claim to track one video of one track set: <c>DIR/_claims/&lt;set id&gt;/&lt;video hash&gt;.claim</c>, created
/// exclusively, holding the host, process id and time. While it exists, other runs on the same cache leave the video
/// to its holder, so two runs never track the same clip. Disposing removes it; a claim whose process is gone (same
/// host), or older than <see cref="TrajectoryCacheOptions.StaleAfter"/> (another host), is taken over.
/// </summary>
public sealed class VideoClaim : IDisposable
{
    private readonly string _path;
    private int _released;

    private VideoClaim(string path) => _path = path;

    /// <summary>Claims <paramref name="videoHash"/> under <paramref name="dir"/>, or returns null when a live run holds it.</summary>
    internal static VideoClaim? TryTake(string dir, string videoHash, TimeSpan staleAfter, TimeProvider clock)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, videoHash + ".claim");
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                using (var writer = new StreamWriter(file))
                {
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}\n{Environment.ProcessId}\n{clock.GetUtcNow():O}\n"));
                }

                return new VideoClaim(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!IsStale(path, staleAfter, clock)) return null;
                // A dead holder's claim. Two runs may both see it stale; the exclusive create above still lets one win.
                AtomicFile.TryDelete(path);
            }
        }

        return null;
    }

    private static bool IsStale(string path, TimeSpan staleAfter, TimeProvider clock)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return false; // Being written or removed right now: its holder is alive.
        }

        if (lines.Length < 3 || !int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            || !DateTimeOffset.TryParse(lines[2], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset taken))
        {
            return clock.GetUtcNow() - File.GetLastWriteTimeUtc(path) > staleAfter;
        }

        if (lines[0] != Environment.MachineName) return clock.GetUtcNow() - taken > staleAfter;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>Gives the video back.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) AtomicFile.TryDelete(_path);
    }
}
