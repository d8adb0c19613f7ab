using System.Runtime.InteropServices;

namespace MoSiC.Stream.Core.Files;

/// <summary>What a name is, how long, and when it was last written, as <c>statx</c> reports it.</summary>
public readonly record struct FileStatus(FileKind Kind, long Size, DateTime ModifiedUtc);

/// <summary>
/// Tells what a path is without opening it (opening a fifo blocks). .NET's file APIs know files, directories and
/// links but not fifos, sockets or devices; libc's <c>statx</c> does, and its result, unlike <c>struct stat</c>, has
/// the same layout on every Linux architecture. Elsewhere (not a platform this program is built for) only missing,
/// regular file and directory are told apart, links followed.
/// </summary>
public static class FileKinds
{
    internal const int AtFdCwd = -100;
    internal const int AtSymlinkNoFollow = 0x100;
    internal const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1, StatxMtime = 0x40, StatxSize = 0x200;
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
        return Stat(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow).Kind;
    }

    /// <summary>
    /// <c>statx(dirFd, path, flags)</c>: relative to an open folder, or the open file itself with <see cref="AtEmptyPath"/>
    /// and an empty path. Linux only; a name that cannot be examined is <see cref="FileKind.Missing"/> or <see cref="FileKind.Unknown"/>.
    /// </summary>
    internal static FileStatus Stat(int dirFd, string path, int flags)
    {
        if (statx(dirFd, path, flags, StatxType | StatxSize | StatxMtime, out StatxBuffer status) != 0)
            return new FileStatus(Marshal.GetLastPInvokeError() is ENOENT or ENOTDIR ? FileKind.Missing : FileKind.Unknown, 0, default);
        FileKind kind = (status.Mode & 0xF000) switch // S_IFMT
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
        DateTime modified = DateTime.UnixEpoch.AddTicks(status.MtimeSeconds * TimeSpan.TicksPerSecond + status.MtimeNanoseconds / 100);
        return new FileStatus(kind, (long)Math.Min(status.Size, long.MaxValue), modified);
    }

    // struct statx (linux/stat.h) is 256 bytes with the same layout on every architecture: stx_mode is the u16 at
    // offset 28, stx_size the u64 at 40, stx_mtime the statx_timestamp (s64 seconds, u32 nanoseconds) at 112.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(112)]
        public long MtimeSeconds;

        [FieldOffset(120)]
        public uint MtimeNanoseconds;
    }

#pragma warning disable SYSLIB1054 // LibraryImport's generated code needs unsafe blocks, which this project does not allow.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int statx(int dirFd, string path, int flags, uint mask, out StatxBuffer status);
#pragma warning restore SYSLIB1054
}
