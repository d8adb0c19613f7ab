namespace MoSiC.Stream.Core.Files;

/// <summary>
/// Checks, before any work, that a command can write where it was told to: a run must not decode for an hour and
/// then fail (or crash) at its first write because the path is a file, a folder, or read-only.
/// </summary>
public static class OutputPaths
{
    /// <summary>Null when <paramref name="dir"/> is a folder (made if missing) that takes a new file; otherwise why not, e.g. "is a file, not a folder".</summary>
    public static string? FolderProblem(string dir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        try
        {
            if (File.Exists(dir)) return "is a file, not a folder";
            Directory.CreateDirectory(dir);
            string probe = Path.Combine(dir, $".write-check-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be written: {e.Message}";
        }
    }

    /// <summary>Null when a file can be written (or replaced) at <paramref name="path"/>; otherwise why not, e.g. "is a folder, not a file".</summary>
    public static string? FileProblem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) return "is a folder, not a file";
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (FolderProblem(folder) is { } problem) return $"cannot be written: its folder {folder} {problem}";
        if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0) return "cannot be written: the file is read-only";
        return null;
    }
}
