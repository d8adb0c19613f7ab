namespace MoSiC.Stream.Stages.Decode;

/// <summary>
/// Cheap structural checks of still frames (JPEG start/end markers, PNG signature and IEND), so that a corrupt frame in
/// a folder is named by file: ffmpeg's own errors for an image sequence do not say which file was bad.
/// </summary>
public static class FrameFileCheck
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] PngEnd = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    /// <summary>Returns why <paramref name="path"/> is not a complete JPEG or PNG, or null when it looks whole.</summary>
    public static string? Problem(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            if (file.Length == 0) return "empty file (0 bytes)";
            Span<byte> head = stackalloc byte[8];
            Span<byte> tail = stackalloc byte[16];
            var headLength = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            file.Seek(-Math.Min(tail.Length, file.Length), SeekOrigin.End);
            var tailLength = file.ReadAtLeast(tail, tail.Length, throwOnEndOfStream: false);
            var last = tail[..tailLength];
            if (headLength >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
                return last.IndexOf(new byte[] { 0xFF, 0xD9 }) >= 0 ? null : "truncated JPEG (no end-of-image marker)";
            if (head[..headLength].SequenceEqual(PngSignature))
                return last.EndsWith(PngEnd) ? null : "truncated PNG (no IEND chunk)";
            return "not a JPEG or PNG image (unknown signature)";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read: {ex.Message}";
        }
    }
}
