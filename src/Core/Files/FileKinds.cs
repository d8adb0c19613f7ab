using System.Runtime.InteropServices;

namespace MoSiC.Stream.Core.Files;

/// <summary>
/// Tells what a path is without opening it (opening a fifo blocks). .NET's file APIs know files, directories and
/// links but not fifos, sockets or devices; libc's <c>statx</c> does, and its result, unlike <c>struct stat</c>, has
/// the same layout on every Linux architecture. Elsewhere (not a platform this program is built for) only missing,
/// regular file and directory are told apart, links followed.
/// </summary>
public static class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ENOENT = 2, ENOTDIR = 20;

    /// <summary>
    /// The kind of <paramref name="path"/>; a symbolic link is followed unless <paramref name="followLinks"/> is false.
    /// A path that cannot be examined is <see cref="FileKind.Missing"/> or <see cref="FileKind.Unknown"/>, not an exception.
    /// </summary>
    public static FileKind Of(string path, bool followLinks = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
            return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        if (statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, out StatxBuffer status) != 0)
            return Marshal.GetLastPInvokeError() is ENOENT or ENOTDIR ? FileKind.Missing : FileKind.Unknown;
        return (status.Mode & 0xF000) switch // S_IFMT
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Unknown,
        };
    }

    // struct statx (linux/stat.h) is 256 bytes; stx_mode is the u16 at offset 28 on every architecture.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;
    }

#pragma warning disable SYSLIB1054 // LibraryImport's generated code needs unsafe blocks, which this project does not allow.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int statx(int dirFd, string path, int flags, uint mask, out StatxBuffer status);
#pragma warning restore SYSLIB1054
}
