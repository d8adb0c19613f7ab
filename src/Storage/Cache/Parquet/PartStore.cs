using System.Security.Cryptography;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Storage.Cache.Manifest;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>Part files on disk: written atomically under a content-derived name, and read back only if their bytes are the ones the manifest recorded.</summary>
internal sealed class PartStore(string dir)
{
    /// <summary>
    /// Writes <paramref name="clips"/> (sorted here, so the same clips give the same bytes and name) as a part of
    /// <paramref name="set"/>: temporary file, fsync, rename, folder fsync. Returns the record for a manifest entry.
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
            // anything else under that name (a damaged copy) is replaced by ours.
            if (await HashOrNullAsync(path, ct).ConfigureAwait(false) == sha) AtomicFile.TryDelete(temp);
            else File.Move(temp, path, overwrite: true);
        }

        DirectorySync.Flush(Path.GetDirectoryName(path)!);
        return new PartRecord(setId, name, sorted.Length, bytes.LongLength, sha, sorted.Select(c => new ClipRef(c.ClipKey, c.VideoHash)).ToArray());
    }

    /// <summary>The path of a recorded part.</summary>
    public string PathOf(PartRecord part) => CacheLayout.PartPath(dir, part.Partition, part.File);

    /// <summary>
    /// The rows of <paramref name="part"/> whose keys its record lists, or a problem: file missing, size or checksum
    /// not the recorded ones, or bytes that are not a readable part holding exactly the listed clips.
    /// </summary>
    public async Task<(List<CachedClip>? Clips, CacheProblem? Problem)> LoadAsync(PartRecord part, CancellationToken ct)
    {
        string path = PathOf(part);
        byte[] bytes;
        try
        {
            // Parts are small (tens to hundreds of KB): a synchronous read is several times cheaper than async file I/O here.
            ct.ThrowIfCancellationRequested();
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, new CacheProblem(CacheProblemKind.PartMissing, path, "named in the manifest, but the file is gone"));
        }

        if (bytes.LongLength != part.Bytes)
            return (null, new CacheProblem(CacheProblemKind.SizeMismatch, path, $"{bytes.LongLength} bytes, the manifest recorded {part.Bytes}"));
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

    private static async Task<string?> HashOrNullAsync(string path, CancellationToken ct)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
