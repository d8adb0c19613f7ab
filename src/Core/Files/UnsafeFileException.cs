namespace MoSiC.Stream.Core.Files;

/// <summary>
/// A file that <see cref="ConfinedFolder"/> refused to open or remove: a symbolic link, a named pipe, a device, a
/// folder where a file should be, or a file larger than its caller allows. The message names the path and says which.
/// An <see cref="IOException"/>, so callers that report I/O failures report it too; retrying it never helps.
/// </summary>
public sealed class UnsafeFileException(string path, string message) : IOException(message)
{
    /// <summary>The path refused.</summary>
    public string FilePath { get; } = path;
}
