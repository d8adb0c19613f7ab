using System.Runtime.InteropServices;

namespace MoSiC.Stream.Tests.Support;

/// <summary>Things a hostile user can put where a file should be: named pipes, links to devices and to files elsewhere.</summary>
internal static class SpecialFiles
{
    /// <summary>Makes a named pipe at <paramref name="path"/> (opening it for reading blocks until a writer comes).</summary>
    public static string Fifo(string path)
    {
        Assert.True(mkfifo(path, 0x1B6) == 0, $"mkfifo {path}: errno {Marshal.GetLastPInvokeError()}");
        return path;
    }

    /// <summary>Replaces <paramref name="path"/> (if it exists) with a symbolic link to <paramref name="target"/>.</summary>
    public static string Link(string path, string target)
    {
        if (File.Exists(path)) File.Delete(path);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    /// <summary>Replaces <paramref name="path"/> (if it exists) with a named pipe.</summary>
    public static string ReplaceWithFifo(string path)
    {
        if (File.Exists(path)) File.Delete(path);
        return Fifo(path);
    }

    /// <summary>Bytes allocated by the whole process while <paramref name="action"/> ran (other tests running meanwhile count too: use a wide bound).</summary>
    public static async Task<long> AllocatedDuringAsync(Func<Task> action)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

#pragma warning disable SYSLIB1054
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int mkfifo(string path, uint mode);
#pragma warning restore SYSLIB1054
}
