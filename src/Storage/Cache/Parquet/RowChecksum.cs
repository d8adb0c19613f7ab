using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>
/// The checksum stored with each clip row (column <c>row_checksum</c>, parts of format <c>clip-rows/2</c>): XXH3-64
/// over every field of the decoded clip, in column order, each length-prefixed. The manifest's SHA-256 covers the
/// file's bytes, which a writer that lies (or bad memory before the hash was taken) signs as readily as good ones;
/// this covers what the reader decodes, so a flipped bit that still parses is caught at the row it changed. XXH3 is
/// not a cryptographic hash and need not be: it guards against corruption, the SHA-256 against substitution.
/// </summary>
internal static class RowChecksum
{
    /// <summary>The checksum of <paramref name="clip"/>, as a signed 64-bit Parquet value.</summary>
    public static long Of(CachedClip clip)
    {
        var hash = new XxHash3();
        Text(hash, clip.ClipKey);
        Text(hash, clip.VideoHash);
        Text(hash, clip.VideoPath);
        Ints(hash, [clip.ClipIndex]);
        Ints(hash, clip.FrameIndices);
        Array(hash, MemoryMarshal.AsBytes(clip.TimestampsSeconds.AsSpan()), clip.TimestampsSeconds.Length);
        Ints(hash, [clip.Width, clip.Height, clip.Frames, clip.Points]);
        Ints(hash, clip.QueryFrame);
        Floats(hash, clip.QueryX);
        Floats(hash, clip.QueryY);
        Floats(hash, clip.X);
        Floats(hash, clip.Y);
        Array(hash, MemoryMarshal.AsBytes(clip.Visible.AsSpan()), clip.Visible.Length);
        if (clip.Confidence is null) Ints(hash, [-1]);
        else Floats(hash, clip.Confidence);
        return unchecked((long)hash.GetCurrentHashAsUInt64());
    }

    private static void Text(XxHash3 hash, string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        Array(hash, utf8, utf8.Length);
    }

    private static void Ints(XxHash3 hash, ReadOnlySpan<int> values) => Array(hash, MemoryMarshal.AsBytes(values), values.Length);

    private static void Floats(XxHash3 hash, float[] values) => Array(hash, MemoryMarshal.AsBytes(values.AsSpan()), values.Length);

    // The element count first, so that moving a value from one field to the next changes the hash.
    private static void Array(XxHash3 hash, ReadOnlySpan<byte> bytes, int count)
    {
        Span<byte> length = stackalloc byte[4];
        MemoryMarshal.Write(length, count);
        hash.Append(length);
        hash.Append(bytes);
    }
}
