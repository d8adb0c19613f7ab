using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MoSiC.Stream.Core.Files;

/// <summary>
/// A folder below a root the user named, opened without following symbolic links, and the files directly in it
/// examined, read and removed relative to that open folder (<c>openat</c>, <c>fstatat</c>, <c>unlinkat</c>). Folders
/// other people can write to (a shared cache) may hold links, named pipes or devices where our files should be; here
/// only regular files are read, reads are capped by the caller's limit before anything is allocated, and a removal
/// never follows a link, so nothing outside the folder is read or deleted, even if a name is swapped for a link
/// between the check and the use.
/// </summary>
public sealed class ConfinedFolder : IDisposable
{
    private const int ORdOnly = 0, ONonBlock = 0x800, OCloExec = 0x80000;
    private const int ENOENT = 2, ENOTDIR = 20, ELOOP = 40;

    // O_DIRECTORY and O_NOFOLLOW differ by architecture in Linux's headers: 0200000 and 0400000 (octal) on x86-64,
    // 040000 and 0100000 on arm and arm64.
    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64;
    private static readonly int ODirectory = Arm ? 0x4000 : 0x10000;
    private static readonly int ONoFollow = Arm ? 0x8000 : 0x20000;

    private readonly SafeFileHandle? _handle;

    private ConfinedFolder(string path, SafeFileHandle? handle) => (Path, _handle) = (path, handle);

    /// <summary>The folder's path (for messages and listings; every operation goes through the open folder).</summary>
    public string Path { get; }

    /// <summary>
    /// Opens <paramref name="root"/> (followed: the user named it) and then each of <paramref name="subfolders"/> in
    /// turn, none of which may be a link; null when one is missing.
    /// </summary>
    /// <exception cref="UnsafeFileException">A subfolder is a symbolic link or not a folder.</exception>
    public static ConfinedFolder? TryOpen(string root, params string[] subfolders)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(subfolders);
        string path = System.IO.Path.GetFullPath(root);
        if (!OperatingSystem.IsLinux()) return OpenByPath(path, subfolders);

        int fd = open(path, ORdOnly | ODirectory | OCloExec);
        if (fd < 0) return Marshal.GetLastPInvokeError() is ENOENT or ENOTDIR ? null : throw Errno(path, "cannot open the folder");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        foreach (string sub in subfolders)
        {
            RequireName(sub);
            string next = System.IO.Path.Combine(path, sub);
            int child = openat(Fd(handle), sub, ORdOnly | ODirectory | ONoFollow | OCloExec);
            int errno = Marshal.GetLastPInvokeError();
            if (child < 0)
            {
                FileKind kind = FileKinds.Stat(Fd(handle), sub, FileKinds.AtSymlinkNoFollow).Kind;
                handle.Dispose();
                if (kind == FileKind.Missing) return null;
                if (errno is ELOOP or ENOTDIR || kind != FileKind.Directory) throw new UnsafeFileException(next, $"{next}: {Describe(kind)} where a folder should be; refused");
                throw Errno(next, "cannot open the folder");
            }

            handle.Dispose();
            (handle, path) = (new SafeFileHandle(child, ownsHandle: true), next);
        }

        return new ConfinedFolder(path, handle);
    }

    /// <summary>What <paramref name="name"/> in this folder is (a link is reported as one, not followed).</summary>
    public FileStatus Status(string name)
    {
        RequireName(name);
        if (_handle is null) return StatusByPath(System.IO.Path.Combine(Path, name));
        return FileKinds.Stat(Fd(_handle), name, FileKinds.AtSymlinkNoFollow);
    }

    /// <summary>
    /// The bytes of the regular file <paramref name="name"/>, refused before any allocation when it is not a regular
    /// file or is larger than <paramref name="maxBytes"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="UnsafeFileException">Not a regular file (a link, pipe, device, folder), or too large.</exception>
    public byte[] ReadAll(string name, long maxBytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        FileStatus status = Status(name);
        Refuse(path, status, maxBytes);
        if (_handle is null) return File.ReadAllBytes(path);

        // O_NONBLOCK: a pipe swapped in after the check must not block the open; O_NOFOLLOW: nor may a link be followed.
        int fd = openat(Fd(_handle), name, ORdOnly | ONoFollow | ONonBlock | OCloExec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == ENOENT) throw new FileNotFoundException($"{path}: no such file", path);
            throw errno == ELOOP ? new UnsafeFileException(path, $"{path}: a symbolic link; only regular files are read") : Errno(path, "cannot open");
        }

        using var file = new SafeFileHandle(fd, ownsHandle: true);
        status = FileKinds.Stat(fd, "", FileKinds.AtEmptyPath);
        Refuse(path, status, maxBytes);
        var bytes = new byte[status.Size];
        int done = 0;
        while (done < bytes.Length)
        {
            int n = RandomAccess.Read(file, bytes.AsSpan(done), done);
            if (n == 0) throw new IOException($"{path}: shrank from {bytes.Length} bytes while being read");
            done += n;
        }

        return bytes;
    }

    /// <summary>
    /// Removes <paramref name="name"/> if it is a regular file; false when it is missing or anything else (a link, a
    /// pipe, a device or a folder is left for a person to look at).
    /// </summary>
    public bool TryDelete(string name)
    {
        if (Status(name).Kind != FileKind.Regular) return false;
        if (_handle is null)
        {
            File.Delete(System.IO.Path.Combine(Path, name));
            return true;
        }

        // Swapped for a link since the check? unlinkat removes the link itself, never what it points to.
        return unlinkat(Fd(_handle), name, 0) == 0;
    }

    /// <summary>The names of the folder's entries (files, folders, links alike).</summary>
    public IEnumerable<string> Names() =>
        Directory.Exists(Path) ? Directory.EnumerateFileSystemEntries(Path).Select(p => System.IO.Path.GetFileName(p)) : [];

    /// <summary>What a kind is in words, for messages: "a symbolic link", "a named pipe".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a named pipe",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Missing => "missing",
        _ => "something that cannot be examined",
    };

    public void Dispose() => _handle?.Dispose();

    private static void Refuse(string path, FileStatus status, long maxBytes)
    {
        if (status.Kind == FileKind.Missing) throw new FileNotFoundException($"{path}: no such file", path);
        if (status.Kind != FileKind.Regular) throw new UnsafeFileException(path, $"{path}: {Describe(status.Kind)}; only regular files are read");
        if (status.Size > maxBytes) throw new UnsafeFileException(path, $"{path}: {status.Size} bytes, more than the {maxBytes} such a file may have");
    }

    // A name is one entry of this folder: never a path, never "." or "..". Callers check untrusted names first; this
    // is the last line.
    private static void RequireName(string name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.Contains('/') || name.Contains('\0'))
            throw new ArgumentException($"'{name}' is not a single file name", nameof(name));
    }

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    private static IOException Errno(string path, string what) => new($"{path}: {what} (errno {Marshal.GetLastPInvokeError()})");

    // Elsewhere (not a platform this program is built for): the same checks by path, without the race protection.
    private static ConfinedFolder? OpenByPath(string path, string[] subfolders)
    {
        foreach (string sub in subfolders)
        {
            RequireName(sub);
            path = System.IO.Path.Combine(path, sub);
            FileKind kind = StatusByPath(path).Kind;
            if (kind == FileKind.Missing) return null;
            if (kind != FileKind.Directory) throw new UnsafeFileException(path, $"{path}: {Describe(kind)} where a folder should be; refused");
        }

        return Directory.Exists(path) ? new ConfinedFolder(path, null) : null;
    }

    private static FileStatus StatusByPath(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return new FileStatus(FileKind.SymbolicLink, 0, default);
        if (Directory.Exists(path)) return new FileStatus(FileKind.Directory, 0, Directory.GetLastWriteTimeUtc(path));
        return info.Exists ? new FileStatus(FileKind.Regular, info.Length, info.LastWriteTimeUtc) : new FileStatus(FileKind.Missing, 0, default);
    }

#pragma warning disable SYSLIB1054 // LibraryImport's generated code needs unsafe blocks, which this project does not allow.
    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int openat(int dirFd, string path, int flags);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int unlinkat(int dirFd, string path, int flags);
#pragma warning restore SYSLIB1054
}
