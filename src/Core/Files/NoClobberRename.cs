using System.Runtime.InteropServices;

namespace MoSiC.Stream.Core.Files;

/// <summary>
/// Gives a finished temporary file its final name only if no file has that name, atomically. <c>File.Move(…, overwrite:
/// false)</c> is not enough on Linux: .NET checks for the target and then renames, so two writers racing for one
/// manifest number both "win" and one entry silently replaces the other (a test with two writers lost 4 of 14 entries
/// that way). A hard link is created only if the name is free, in one system call; the temporary name is then removed.
/// </summary>
public static class NoClobberRename
{
    private const int EEXIST = 17;

    // File systems without hard links (some FUSE and FAT mounts) answer with one of these; there the check-then-rename
    // fallback is the best available, and concurrent writers to one cache on such a mount are not safe.
    private static readonly int[] NoLinks = [1 /* EPERM */, 18 /* EXDEV */, 31 /* EMLINK */, 38 /* ENOSYS */, 95 /* EOPNOTSUPP */];

    /// <summary>Renames <paramref name="temp"/> to <paramref name="finalPath"/>; false (and <paramref name="temp"/> untouched) when that name is taken.</summary>
    public static bool TryRename(string temp, string finalPath)
    {
        if (!OperatingSystem.IsLinux()) return FallbackMove(temp, finalPath);

        if (link(temp, finalPath) == 0)
        {
            File.Delete(temp);
            return true;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST) return false;
        if (Array.IndexOf(NoLinks, errno) >= 0) return FallbackMove(temp, finalPath);
        throw new IOException($"{finalPath}: cannot link {temp} to it (errno {errno})");
    }

    private static bool FallbackMove(string temp, string finalPath)
    {
        try
        {
            File.Move(temp, finalPath, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(finalPath))
        {
            return false;
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport's generated code needs unsafe blocks, which this project does not allow.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int link(string oldPath, string newPath);
#pragma warning restore SYSLIB1054
}
