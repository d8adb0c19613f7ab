namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Writes a file so that readers see the old content or the new, never a mix: write a temporary sibling, flush it to
/// disk, then rename it over the target (a rename within one folder is atomic on POSIX file systems).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>; on failure the target is untouched.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="write">Fills the stream; must not close it.</param>
    public static void Write(string path, Action<System.IO.Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
