namespace MoSiC.Stream.Stages.Decode;

/// <summary>Turns ffmpeg/ffprobe error output into one specific reason a user can act on.</summary>
public static class FfmpegMessages
{
    /// <summary>A reason for the failure described by <paramref name="stderr"/>; <paramref name="bytes"/> is the input size (-1 unknown).</summary>
    public static string Explain(IEnumerable<string> stderr, long bytes = -1)
    {
        var lines = stderr.Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        bool Has(string text) => lines.Any(l => l.Contains(text, StringComparison.OrdinalIgnoreCase));
        if (Has("moov atom not found"))
            return "truncated or incomplete MP4: the index (moov atom) is missing, so the file was cut before it was finished";
        // A cut inside a moov at the end of the file: the index is there but short, and its tables disagree.
        if (lines.Any(l => l.StartsWith("[mov,mp4", StringComparison.Ordinal)) && Has("error reading header"))
            return "truncated or damaged MP4: the index (moov atom) is cut short or inconsistent (ffmpeg: error reading header), so the file was cut before it was finished";
        if (Has("partial file"))
            return "truncated file: the stream data ends early (ffmpeg: partial file)";
        if (Has("No such file or directory")) return "file not found";
        if (Has("Permission denied")) return "permission denied";
        if (Has("Invalid data found when processing input"))
            return $"not a decodable video: ffmpeg found no valid container or stream data{(bytes >= 0 ? $" in {bytes} bytes" : "")} (Invalid data found when processing input)";
        var errors = Errors(lines);
        return errors.Count == 0 ? "ffmpeg failed without an error message" : $"ffmpeg: {string.Join(" | ", errors)}";
    }

    /// <summary>The distinct error lines of <paramref name="stderr"/>, last three, without log prefixes.</summary>
    public static IReadOnlyList<string> Errors(IEnumerable<string> stderr) =>
        stderr.Select(StripPrefix).Where(l => l.Length > 0 && !l.StartsWith("Last message repeated", StringComparison.Ordinal))
            .Distinct().TakeLast(3).ToArray();

    private static string StripPrefix(string line)
    {
        line = line.Trim();
        // "[h264 @ 0x55…] message" → "h264: message"
        if (line.StartsWith('[') && line.IndexOf(" @ 0x", StringComparison.Ordinal) is > 0 and var at && line.IndexOf(']') is > 0 and var close && close > at)
            return $"{line[1..at]}: {line[(close + 1)..].Trim()}";
        return line;
    }
}
