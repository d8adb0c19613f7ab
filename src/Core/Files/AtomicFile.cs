using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace MoSiC.Stream.Core.Files;

/// <summary>
/// Whole-file writes that readers see entirely or not at all: the bytes go to a temporary name in the target's own
/// folder (a rename is atomic only within one file system), are flushed to the disk, and the file is then renamed to
/// its final name, replacing an existing file (<see cref="Write(string, Action{System.IO.Stream})"/>,
/// <see cref="WriteAsync"/>) or only if the name is free (<see cref="TryCreateAsync"/>), and the folder is fsynced.
/// The temporary name is unique per writer, so two writers of one file never write into each other's bytes.
/// </summary>
public static class AtomicFile
{
    /// <summary>Part of every temporary name: readers (the cache's <c>IsTempName</c>) recognise unfinished writes by it.</summary>
    public const string TempMarker = ".tmp-";

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>A temporary name beside <paramref name="finalPath"/>: hidden (leading dot), so Hive readers and the cache skip it, and unique to this process and call.</summary>
    public static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!,
            $".{Path.GetFileName(finalPath)}{TempMarker}{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");

    /// <summary>
    /// Reads a file name made by <see cref="TempPathFor"/> (<c>.NAME.tmp-PID-RANDOM</c>): the final file name it was
    /// written for and the id of the writing process, so cleanup can leave a live writer's file alone. False for any
    /// other name.
    /// </summary>
    public static bool TryParseTempName(string fileName, out string finalName, out int writerPid)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        finalName = "";
        writerPid = 0;
        int marker = fileName.LastIndexOf(TempMarker, StringComparison.Ordinal);
        if (!fileName.StartsWith('.') || marker < 2) return false;
        ReadOnlySpan<char> rest = fileName.AsSpan(marker + TempMarker.Length);
        int dash = rest.IndexOf('-');
        if (dash <= 0 || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return false;
        ReadOnlySpan<char> random = rest[(dash + 1)..];
        if (random.IsEmpty || random.ContainsAnyExcept(LowerHex)) return false;
        finalName = fileName[1..marker];
        writerPid = pid;
        return true;
    }

    /// <summary>
    /// Writes <paramref name="path"/> with <paramref name="write"/>, replacing any file of that name; its folder is
    /// created if missing. On failure the target is untouched and the temporary file removed.
    /// </summary>
    /// <param name="path">Target file.</param>
    /// <param name="write">Fills the stream; must not close it.</param>
    public static void Write(string path, Action<System.IO.Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = PrepareFolder(path);
        string temp = TempPathFor(full);
        try
        {
            // 1 MiB: checkpoints and exported backbones are hundreds of megabytes written in small pieces.
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        Publish(temp, full, replace: true);
    }

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="path"/>, replacing any file of that name; as <see cref="Write(string, Action{System.IO.Stream})"/>.</summary>
    public static void Write(string path, ReadOnlyMemory<byte> bytes) => Write(path, stream => stream.Write(bytes.Span));

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="path"/>, replacing any file of that name; its folder is created if missing.</summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        string full = PrepareFolder(path);
        string temp = await WriteTempAsync(full, bytes, ct).ConfigureAwait(false);
        Publish(temp, full, replace: true);
    }

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
    /// file is removed and false returned); the folder is fsynced after a successful rename. The folder must exist.
    /// </summary>
    public static async Task<bool> TryCreateAsync(string finalPath, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        string temp = await WriteTempAsync(finalPath, bytes, ct).ConfigureAwait(false);
        return Publish(temp, finalPath, replace: false);
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

    // Replacing writes take any path (a relative one too: the folder fsync needs a real name) and make the folder,
    // as checkpoint and report folders appear on first write; the no-clobber writes serve the cache, which lays out
    // its own folders and wants a missing one reported.
    private static string PrepareFolder(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    // Gives the durable temporary file its final name, then fsyncs the folder so that the new name survives a power
    // loss too. False when the name was taken and replacing was not allowed.
    private static bool Publish(string temp, string finalPath, bool replace)
    {
        if (replace)
        {
            try
            {
                File.Move(temp, finalPath, overwrite: true);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }
        else if (!TryMoveNew(temp, finalPath))
        {
            TryDelete(temp);
            return false;
        }

        DirectorySync.Flush(Path.GetDirectoryName(finalPath)!);
        return true;
    }
}
