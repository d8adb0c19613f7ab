using System.Security.Cryptography;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Storage.Identity;

/// <summary>
/// A video's identity is its content: SHA-256 of a file's bytes, or for a frame folder SHA-256 over each frame's
/// name and SHA-256 in frame order. A renamed or moved video keeps its identity; an edited one gets a new one.
/// </summary>
public static class ContentHash
{
    /// <summary>Lower-case hex SHA-256 of <paramref name="source"/>'s content.</summary>
    public static async Task<string> ComputeAsync(VideoSource source, CancellationToken ct)
    {
        if (source.Kind == VideoSourceKind.File) return Convert.ToHexStringLower(await HashFileAsync(source.Path, ct).ConfigureAwait(false));

        using var folder = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string frame in source.FrameFiles)
        {
            folder.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(frame) + "\n"));
            folder.AppendData(await HashFileAsync(frame, ct).ConfigureAwait(false));
        }

        return Convert.ToHexStringLower(folder.GetHashAndReset());
    }

    /// <summary>Size and modification time of the content: when both are unchanged, the content is assumed unchanged.</summary>
    public static (long Bytes, long ModifiedTicks, int Files) Stamp(VideoSource source)
    {
        if (source.Kind == VideoSourceKind.File)
        {
            var file = new FileInfo(source.Path);
            return (file.Length, file.LastWriteTimeUtc.Ticks, 1);
        }

        long bytes = 0, modified = 0;
        foreach (string frame in source.FrameFiles)
        {
            var file = new FileInfo(frame);
            bytes += file.Length;
            modified = Math.Max(modified, file.LastWriteTimeUtc.Ticks);
        }

        return (bytes, modified, source.FrameFiles.Count);
    }

    private static async Task<byte[]> HashFileAsync(string path, CancellationToken ct)
    {
        // Opening a named pipe blocks until someone writes to it, and a device may never end: only regular files are read.
        FileKind kind = FileKinds.Of(path);
        if (kind is FileKind.Fifo or FileKind.Socket or FileKind.CharacterDevice or FileKind.BlockDevice or FileKind.Directory) throw new IOException($"{path}: not a regular file ({ConfinedFolder.Describe(kind)})");
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false);
    }
}
