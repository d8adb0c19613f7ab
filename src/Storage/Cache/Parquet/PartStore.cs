using System.Security.Cryptography;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Storage.Cache.Manifest;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>
/// Part files on disk: written atomically under a content-derived name, and read back only if their bytes are the
/// ones the manifest recorded. Names from the manifest are checked to be ours before they become paths, and every
/// read and delete goes through the partition folder opened without following links (<see cref="ConfinedFolder"/>).
/// </summary>
internal sealed class PartStore(string dir)
{
    /// <summary>
    /// Writes <paramref name="clips"/> (sorted here, so the same clips give the same bytes and name) as a part of
    /// <paramref name="set"/>: temporary file, fsync, rename, folder fsync. Returns the record for a manifest entry.
    /// The partition folder must exist (<see cref="TrackSetFile.EnsureAsync"/>).
    /// </summary>
    public async Task<PartRecord> WriteAsync(TrackSet set, IEnumerable<CachedClip> clips, CancellationToken ct)
    {
        CachedClip[] sorted = clips
            .OrderBy(c => c.VideoHash, StringComparer.Ordinal).ThenBy(c => c.ClipIndex).ThenBy(c => c.ClipKey, StringComparer.Ordinal)
            .ToArray();
        string setId = set.Id;
        string name = CacheLayout.PartName(sorted.Select(c => c.ClipKey));
        string path = CacheLayout.PartPath(dir, setId, name);
        byte[] bytes = await PartWriter.EncodeAsync(sorted, set.Canonical, ct).ConfigureAwait(false);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        string temp = await AtomicFile.WriteTempAsync(path, bytes, ct).ConfigureAwait(false);
        if (!AtomicFile.TryMoveNew(temp, path))
        {
            // Another writer got here first with the same clips. Its file is as good as ours if the bytes agree;
            // anything else under that name (a damaged copy, a link, a pipe) is replaced by ours: a rename replaces the
            // name itself and never follows it.
            if (HashOrNull(setId, name) == sha) AtomicFile.TryDelete(temp);
            else File.Move(temp, path, overwrite: true);
        }

        DirectorySync.Flush(Path.GetDirectoryName(path)!);
        return new PartRecord(setId, name, sorted.Length, bytes.LongLength, sha, sorted.Select(c => new ClipRef(c.ClipKey, c.VideoHash)).ToArray());
    }

    /// <summary>The path of a recorded part whose names are ours; for any other record, the manifest folder (where the bad name is).</summary>
    public string PathOf(PartRecord part) =>
        CacheLayout.Unconfined(part.Partition, part.File) is null ? CacheLayout.PartPath(dir, part.Partition, part.File) : CacheLayout.ManifestDir(dir);

    /// <summary>
    /// The rows of <paramref name="part"/> whose keys its record lists, or a problem: a name that is not ours, a file
    /// missing or not a regular file, size or checksum not the recorded ones, or bytes that are not a readable part
    /// holding exactly the listed clips. Nothing is allocated for a file whose size is not the recorded one.
    /// </summary>
    public async Task<(List<CachedClip>? Clips, CacheProblem? Problem)> LoadAsync(PartRecord part, CancellationToken ct)
    {
        if (CacheLayout.Unconfined(part.Partition, part.File) is { } unconfined)
            return (null, new CacheProblem(CacheProblemKind.UnsafePath, CacheLayout.ManifestDir(dir), unconfined));
        string path = PathOf(part);
        byte[] bytes;
        try
        {
            // Parts are small (tens to hundreds of KB): a synchronous read is several times cheaper than async file I/O here.
            ct.ThrowIfCancellationRequested();
            using ConfinedFolder? folder = ConfinedFolder.TryOpen(dir, CacheLayout.PartitionPrefix + part.Partition);
            FileStatus status = folder?.Status(part.File) ?? default;
            if (status.Kind == FileKind.Missing) return (null, Missing(path));
            if (status.Kind != FileKind.Regular) return (null, NotRegular(path, status.Kind));
            if (status.Size != part.Bytes)
                return (null, new CacheProblem(CacheProblemKind.SizeMismatch, path, $"{status.Size} bytes, the manifest recorded {part.Bytes}"));
            if (part.Bytes > CacheLimits.PartBytes)
                return (null, new CacheProblem(CacheProblemKind.UnreadablePart, path, $"{part.Bytes} bytes, more than the {CacheLimits.PartBytes} a part may have"));
            bytes = folder!.ReadAll(part.File, part.Bytes);
        }
        catch (FileNotFoundException)
        {
            return (null, Missing(path));
        }
        catch (UnsafeFileException e)
        {
            return (null, new CacheProblem(CacheProblemKind.NotRegularFile, e.FilePath, e.Message));
        }

        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha != part.Sha256)
            return (null, new CacheProblem(CacheProblemKind.ChecksumMismatch, path, $"SHA-256 {sha[..12]}…, the manifest recorded {part.Sha256[..Math.Min(12, part.Sha256.Length)]}…"));

        List<CachedClip> clips;
        try
        {
            clips = await PartReader.DecodeAsync(path, bytes, ct).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            return (null, new CacheProblem(CacheProblemKind.UnreadablePart, path, e.Message));
        }

        var listed = part.Clips.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        if (clips.Count != part.Rows || !clips.Select(c => c.ClipKey).ToHashSet(StringComparer.Ordinal).SetEquals(listed))
            return (null, new CacheProblem(CacheProblemKind.UnreadablePart, path, $"holds {clips.Count} rows, not the {part.Rows} clips its manifest entry lists"));
        return (clips, null);
    }

    /// <summary>
    /// Deletes <paramref name="file"/> (a part or a temporary file) of partition <paramref name="setId"/> when both
    /// names are ours and it is a regular file directly in that partition folder; returns the bytes freed (0 when
    /// nothing was deleted). The one way anything in a partition is deleted.
    /// </summary>
    public long TryDelete(string setId, string file)
    {
        if (!CacheLayout.IsSetId(setId) || !(CacheLayout.IsPartName(file) || CacheLayout.IsTempName(file))) return 0;
        try
        {
            using ConfinedFolder? folder = ConfinedFolder.TryOpen(dir, CacheLayout.PartitionPrefix + setId);
            if (folder is null) return 0;
            FileStatus status = folder.Status(file);
            return folder.TryDelete(file) ? status.Size : 0;
        }
        catch (UnsafeFileException)
        {
            return 0; // The partition folder is a link: nothing below it is ours to delete.
        }
    }

    /// <summary>A problem for a name in a partition that is not a regular file (it is never read nor deleted).</summary>
    public static CacheProblem NotRegular(string path, FileKind kind) => new(CacheProblemKind.NotRegularFile, path,
        $"{ConfinedFolder.Describe(kind)} where the cache expects its own regular file: never read, followed or deleted; look at it and remove it yourself");

    private static CacheProblem Missing(string path) => new(CacheProblemKind.PartMissing, path, "named in the manifest, but the file is gone");

    private string? HashOrNull(string setId, string name)
    {
        try
        {
            using ConfinedFolder? folder = ConfinedFolder.TryOpen(dir, CacheLayout.PartitionPrefix + setId);
            return folder is null ? null : Convert.ToHexStringLower(SHA256.HashData(folder.ReadAll(name, CacheLimits.PartBytes)));
        }
        catch (Exception e) when (e is FileNotFoundException or UnsafeFileException)
        {
            return null;
        }
    }
}
