using System.Runtime.InteropServices;

namespace MoSiC.Stream.Core.Files;

/// <summary>
/// fsync of a directory, so that a rename or a new file name inside it survives a power loss (a file's own fsync
/// makes its bytes durable, not the directory entry that names it). .NET has no API for it; libc's open, fsync and
/// close do. Linux only: elsewhere it does nothing, since neither macOS's nor Windows' file systems need or allow it
/// this way.
/// </summary>
public static class DirectorySync
{
    private const int ORdOnly = 0;

    // O_DIRECTORY differs by architecture in Linux's headers: 0200000 (octal) on x86-64, 040000 on arm and arm64.
    private static readonly int ODirectory =
        RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x4000 : 0x10000;

    /// <summary>Makes the entries of <paramref name="dir"/> durable; throws <see cref="IOException"/> naming the folder on failure.</summary>
    public static void Flush(string dir)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = open(dir, ORdOnly | ODirectory);
        if (fd < 0) throw new IOException($"{dir}: cannot open the folder to fsync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"{dir}: fsync of the folder failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = close(fd);
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport's generated code needs unsafe blocks, which this project does not allow.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054
}
