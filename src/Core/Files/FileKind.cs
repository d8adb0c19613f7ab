namespace MoSiC.Stream.Core.Files;

/// <summary>What a path names, as the file system's mode bits say (<see cref="FileKinds.Of"/>).</summary>
public enum FileKind
{
    /// <summary>Nothing: no such file, or a symbolic link (followed) whose target is missing.</summary>
    Missing,

    /// <summary>A regular file, empty or not.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (only when links are not followed).</summary>
    SymbolicLink,

    /// <summary>A named pipe: opening it blocks until the other end is opened, and reading it may never end.</summary>
    Fifo,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>A character device (<c>/dev/null</c>, a terminal, <c>/dev/urandom</c>).</summary>
    CharacterDevice,

    /// <summary>A block device (a disk or partition).</summary>
    BlockDevice,

    /// <summary>Could not be told: the path exists but cannot be examined (permissions, a symbolic link loop), or the type is unknown.</summary>
    Unknown,
}
