using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Storage.Cache.Claims;

/// <summary>
/// A process's claim to track one video of one track set: <c>DIR/_claims/&lt;set id&gt;/&lt;video hash&gt;.claim</c>, created
/// exclusively, holding the host, process id and time. While it exists, other runs on the same cache leave the video
/// to its holder, so two runs never track the same clip. Disposing removes it; a claim whose process is gone (same
/// host), or older than <see cref="TrajectoryCacheOptions.StaleAfter"/> (another host), is taken over. The claims
/// folders must be real folders and a claim a regular file: a link or a pipe there is never followed or read, and
/// counts as a claim held by someone else.
/// </summary>
public sealed class VideoClaim : IDisposable
{
    private readonly string _path;
    private int _released;

    private VideoClaim(string path) => _path = path;

    /// <summary>Claims <paramref name="videoHash"/> of set <paramref name="setId"/> in cache <paramref name="cacheDir"/>, or returns null when a live run holds it.</summary>
    /// <exception cref="UnsafeFileException">A claims folder is a link or not a folder.</exception>
    internal static VideoClaim? TryTake(string cacheDir, string setId, string videoHash, TimeSpan staleAfter, TimeProvider clock)
    {
        using ConfinedFolder folder = OpenFolder(cacheDir, setId);
        string name = videoHash + ".claim";
        string path = Path.Combine(folder.Path, name);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                using (var writer = new StreamWriter(file))
                {
                    writer.Write(ClaimFile.Content(clock));
                }

                return new VideoClaim(path);
            }
            catch (IOException) when (folder.Status(name).Kind != FileKind.Missing)
            {
                if (!IsStale(folder, name, staleAfter, clock)) return null;
                // A dead holder's claim. Two runs may both see it stale; the exclusive create above still lets one win.
                folder.TryDelete(name);
            }
        }

        return null;
    }

    // _claims/ and then _claims/<set>/, each made if missing and opened without following links.
    private static ConfinedFolder OpenFolder(string cacheDir, string setId)
    {
        OpenOrMake(cacheDir, CacheLayout.ClaimsFolder).Dispose();
        return OpenOrMake(cacheDir, CacheLayout.ClaimsFolder, setId);
    }

    private static ConfinedFolder OpenOrMake(string cacheDir, params string[] names)
    {
        if (ConfinedFolder.TryOpen(cacheDir, names) is { } folder) return folder;
        string path = Path.Combine([cacheDir, .. names]);
        Directory.CreateDirectory(path);
        return ConfinedFolder.TryOpen(cacheDir, names) ?? throw new DirectoryNotFoundException($"{path}: vanished while being made");
    }

    // The same judgement as a ClaimFile's, the claim read through the confined folder (no link followed).
    private static bool IsStale(ConfinedFolder folder, string name, TimeSpan staleAfter, TimeProvider clock)
    {
        string[] lines;
        FileStatus status = folder.Status(name);
        try
        {
            lines = System.Text.Encoding.UTF8.GetString(folder.ReadAll(name, CacheLimits.ClaimBytes)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return false; // Being written or removed right now (its holder is alive), or not a claim we could read: left alone.
        }

        return ClaimFile.IsStale(ClaimFile.Parse(lines), () => status.ModifiedUtc, staleAfter, clock);
    }

    /// <summary>Gives the video back.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) AtomicFile.TryDelete(_path);
    }
}
