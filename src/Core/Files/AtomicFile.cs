using System.Security.Cryptography;

namespace MoSiC.Stream.Core.Files;

/// <summary>
/// Whole-file writes that readers see entirely or not at all: the bytes go to a temporary name in the target's own
/// folder (a rename is atomic only within one file system), are flushed to the disk, and the file is then renamed to
/// its final name and the folder fsynced.
/// </summary>
public static class AtomicFile
{
    /// <summary>Part of every temporary name: readers (the cache's <c>IsTempName</c>) recognise unfinished writes by it.</summary>
    public const string TempMarker = ".tmp-";

    /// <summary>A temporary name beside <paramref name="finalPath"/>: hidden (leading dot), so Hive readers and the cache skip it, and unique to this process and call.</summary>
    public static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!,
            $".{Path.GetFileName(finalPath)}{TempMarker}{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");

    /// <summary>Writes <paramref name="bytes"/> to a new temporary file beside <paramref name="finalPath"/> and makes it durable; returns its path.</summary>
    public static async Task<string> WriteTempAsync(string finalPath, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        string temp = TempPathFor(finalPath);
        try
        {
            await using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
            // Flush(true) is fsync: without it a crash after the rename could leave the final name on an empty file.
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        return temp;
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> as <paramref name="finalPath"/> unless that name exists (then the temporary
    /// file is removed and false returned); the folder is fsynced after a successful rename.
    /// </summary>
    public static async Task<bool> TryCreateAsync(string finalPath, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        string temp = await WriteTempAsync(finalPath, bytes, ct).ConfigureAwait(false);
        if (!TryMoveNew(temp, finalPath))
        {
            TryDelete(temp);
            return false;
        }

        DirectorySync.Flush(Path.GetDirectoryName(finalPath)!);
        return true;
    }

    /// <summary>Renames <paramref name="temp"/> to <paramref name="finalPath"/> only if no file has that name (atomic no-clobber); false if one has.</summary>
    public static bool TryMoveNew(string temp, string finalPath) => NoClobberRename.TryRename(temp, finalPath);

    /// <summary>Deletes <paramref name="path"/> if it exists; a file that vanished meanwhile is not an error.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Another process removed or holds it; the next verify reports what is left.
        }
    }
}
