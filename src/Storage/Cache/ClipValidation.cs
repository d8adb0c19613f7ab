using System.Globalization;

namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// The checks a clip passes before it is written (and after it is read back): shapes agree with T and N, the key is
/// the one its track set gives. Errors name the clip (its position in the write and its key) and the field.
/// </summary>
internal static class ClipValidation
{
    /// <summary>Throws <see cref="ArgumentException"/> for the first bad clip of <paramref name="clips"/>, or a key that appears twice.</summary>
    public static void ThrowIfInvalid(TrackSet set, IReadOnlyList<CachedClip> clips, string paramName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < clips.Count; i++)
        {
            CachedClip clip = clips[i] ?? throw new ArgumentException($"clips[{i}] is null", paramName);
            string where = $"clips[{i}] (clip_key {clip.ClipKey})";
            string? problem = ShapeProblem(clip);
            if (problem is not null) throw new ArgumentException($"{where}: {problem}", paramName);
            string expected = set.ClipKey(clip.VideoHash, clip.ClipIndex, clip.FrameIndices);
            if (clip.ClipKey != expected)
                throw new ArgumentException($"{where}: clip_key is not TrackSet.ClipKey(video_hash, clip_index, frame_indices) of track set {set.Id} (expected {expected}); was it made for another set?", paramName);
            if (!seen.Add(clip.ClipKey)) throw new ArgumentException($"{where}: clip_key appears twice in one write", paramName);
        }
    }

    /// <summary>What is wrong with the clip's fields and array shapes, or null when nothing is.</summary>
    public static string? ShapeProblem(CachedClip clip)
    {
        if (!IsHex(clip.ClipKey, 64)) return $"clip_key must be 64 lower-case hex digits (SHA-256), got \"{clip.ClipKey}\"";
        if (!IsHex(clip.VideoHash, 0)) return $"video_hash must be lower-case hex (the video's SHA-256), got \"{clip.VideoHash}\"";
        if (clip.VideoPath is null) return "video_path must not be null (use \"\" when unknown)";
        if (clip.ClipIndex < 0) return $"clip_index must be >= 0, got {clip.ClipIndex}";
        if (clip.Width < 1 || clip.Height < 1) return $"width and height must be >= 1, got {clip.Width}×{clip.Height}";
        if (clip.Frames < 1) return $"frames (T) must be >= 1, got {clip.Frames}";
        if (clip.Points < 1) return $"points (N) must be >= 1, got {clip.Points}";
        int t = clip.Frames, n = clip.Points;
        long cells = (long)t * n;
        return Length("frame_indices", clip.FrameIndices?.Length, t, "T")
            ?? Length("timestamps_seconds", clip.TimestampsSeconds?.Length, t, "T")
            ?? Length("query_frame", clip.QueryFrame?.Length, n, "N")
            ?? Length("query_x", clip.QueryX?.Length, n, "N")
            ?? Length("query_y", clip.QueryY?.Length, n, "N")
            ?? Length("x", clip.X?.Length, cells, "T·N")
            ?? Length("y", clip.Y?.Length, cells, "T·N")
            ?? Length("visible", clip.Visible?.Length, cells, "T·N")
            ?? (clip.Confidence is null ? null : Length("confidence", clip.Confidence.Length, cells, "T·N"))
            ?? QueryFrames(clip);
    }

    private static string? QueryFrames(CachedClip clip)
    {
        int bad = Array.FindIndex(clip.QueryFrame, f => f < 0 || f >= clip.Frames);
        return bad < 0 ? null : $"query_frame[{bad}] = {clip.QueryFrame[bad]} is outside the clip's {clip.Frames} frames";
    }

    private static string? Length(string field, long? actual, long expected, string what) =>
        actual is null ? $"{field} must not be null"
        : actual != expected ? $"{field} must hold {what} = {expected.ToString(CultureInfo.InvariantCulture)} values, got {actual.Value.ToString(CultureInfo.InvariantCulture)}"
        : null;

    private static bool IsHex(string? text, int length) =>
        !string.IsNullOrEmpty(text) && (length == 0 || text.Length == length) && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
