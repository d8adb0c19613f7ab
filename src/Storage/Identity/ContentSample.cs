using System.Security.Cryptography;
using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Storage.Identity;

/// <summary>
/// A cheap fingerprint of a video's content, to confirm an identity hint without reading every byte: SHA-256 over the
/// size and <see cref="Windows"/> windows of <see cref="WindowBytes"/> (at the start, a third, two thirds and the end)
/// of a file, or over a frame folder's frame names and sizes and the first window of up to <see cref="Windows"/>
/// evenly spaced frames. At most 64 KiB read, four seeks. Two files with the same sample may still differ between the
/// windows (the sample's blind spot, as size and modification time had); the writer that tracked a video records its
/// sample with the tracks (the manifest), and a hint is trusted only when the file's sample matches that record.
/// </summary>
public static class ContentSample
{
    public const int WindowBytes = 16 << 10;
    public const int Windows = 4;

    /// <summary>Lower-case hex SHA-256 sample of <paramref name="source"/>.</summary>
    public static async Task<string> ComputeAsync(VideoSource source, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (source.Kind == VideoSourceKind.File)
        {
            await AppendAsync(hash, source.Path, Offsets(new FileInfo(source.Path).Length), ct).ConfigureAwait(false);
        }
        else
        {
            IReadOnlyList<string> frames = source.FrameFiles;
            foreach (string frame in frames) hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{Path.GetFileName(frame)}\n{new FileInfo(frame).Length}\n"));
            for (int i = 0; i < Math.Min(Windows, frames.Count); i++)
            {
                int pick = frames.Count == 1 ? 0 : (int)((long)i * (frames.Count - 1) / (Windows - 1));
                await AppendAsync(hash, frames[pick], [0], ct).ConfigureAwait(false);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Where the windows of a <paramref name="size"/>-byte file start (fewer when they would overlap).</summary>
    public static IReadOnlyList<long> Offsets(long size) =>
        size <= Windows * WindowBytes ? [0] : Enumerable.Range(0, Windows).Select(i => i * (size - WindowBytes) / (Windows - 1)).ToArray();

    private static async Task AppendAsync(IncrementalHash hash, string path, IReadOnlyList<long> offsets, CancellationToken ct)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        long size = RandomAccess.GetLength(file);
        hash.AppendData(BitConverter.GetBytes(size));
        var buffer = new byte[size <= Windows * WindowBytes ? size : WindowBytes];
        foreach (long offset in offsets)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                int n = await RandomAccess.ReadAsync(file, buffer.AsMemory(done), offset + done, ct).ConfigureAwait(false);
                if (n == 0) throw new IOException($"{path}: shrank while its sample was read");
                done += n;
            }

            hash.AppendData(buffer);
        }
    }
}
