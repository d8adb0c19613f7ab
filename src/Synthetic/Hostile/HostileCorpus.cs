using System.Text.Json;

namespace MoSiC.Stream.Synthetic.Hostile;

/// <summary>
/// Writes a corpus of inputs users meet in corpora they did not curate: empty, truncated (before, inside and after
/// the index), random and audio-only files, a single frame, an 8K frame, odd sizes, 10-bit and grayscale pixels,
/// variable frame rate, rotation metadata, frame folders with a corrupt or a missing frame, a symlink loop, an
/// unreadable file and a name with spaces and non-ASCII characters. <c>hostile.json</c> lists each case with what a
/// correct pipeline does with it; reliability tests run the pipeline over the folder and hold it to that list.
/// </summary>
public static class HostileCorpus
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "hostile.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Generates the corpus into <paramref name="dir"/> (created; existing cases are overwritten) and returns its cases.</summary>
    public static async Task<IReadOnlyList<HostileCase>> GenerateAsync(string dir, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        string P(string name) => Path.Combine(dir, name);
        var cases = new List<HostileCase>();
        async Task Pattern(string path, int width, int height, int frames, params string[] extra) =>
            await FfmpegCli.RunAsync(ct, ["-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate=24", "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra, path]).ConfigureAwait(false);
        string[] h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];

        await Pattern(P("good.mp4"), 160, 120, 48, h264).ConfigureAwait(false);
        cases.Add(new("good", "good.mp4", "a plain H.264 file, the control", true));
        await Pattern(P("name with spaces ü 日本.mp4"), 160, 120, 30, [.. h264, "-vf", "hue=h=90"]).ConfigureAwait(false);
        cases.Add(new("unicode-path", "name with spaces ü 日本.mp4", "a path with spaces and non-ASCII characters", true));

        await File.WriteAllBytesAsync(P("empty.mp4"), [], ct).ConfigureAwait(false);
        cases.Add(new("empty", "empty.mp4", "a zero-byte file", false, "probe", "empty file (0 bytes)"));

        // Index at the end (no faststart): any cut loses it. Index first (faststart): cuts inside it, and after it.
        await Pattern(P("source-moov-last.mp4"), 160, 120, 48, [.. h264, "-vf", "hue=h=30"]).ConfigureAwait(false);
        byte[] moovLast = await File.ReadAllBytesAsync(P("source-moov-last.mp4"), ct).ConfigureAwait(false);
        File.Delete(P("source-moov-last.mp4"));
        await File.WriteAllBytesAsync(P("cut-half.mp4"), moovLast[..(moovLast.Length / 2)], ct).ConfigureAwait(false);
        cases.Add(new("cut-before-index", "cut-half.mp4", "truncated at half: the index (moov, at the end) is lost", false, "probe", "moov atom"));
        await File.WriteAllBytesAsync(P("cut-at-tail.mp4"), moovLast[..^200], ct).ConfigureAwait(false);
        cases.Add(new("cut-at-tail", "cut-at-tail.mp4", "truncated 200 bytes before the end: inside the index (moov, at the end)", false, "probe", "index (moov atom) is cut short"));
        await Pattern(P("source-moov-first.mp4"), 160, 120, 48, [.. h264, "-vf", "hue=h=60", "-movflags", "+faststart"]).ConfigureAwait(false);
        byte[] moovFirst = await File.ReadAllBytesAsync(P("source-moov-first.mp4"), ct).ConfigureAwait(false);
        File.Delete(P("source-moov-first.mp4"));
        await File.WriteAllBytesAsync(P("cut-inside-index.mp4"), moovFirst[..200], ct).ConfigureAwait(false);
        cases.Add(new("cut-inside-index", "cut-inside-index.mp4", "truncated inside the index (moov at the start, cut at 200 bytes)", false, "probe", "the index was cut"));
        await File.WriteAllBytesAsync(P("cut-in-data.mp4"), moovFirst[..(moovFirst.Length * 2 / 3)], ct).ConfigureAwait(false);
        cases.Add(new("cut-in-data", "cut-in-data.mp4", "truncated in the frame data after a complete index", false, "decode", "truncated"));

        var random = new Random(7);
        byte[] noise = new byte[64 * 1024];
        random.NextBytes(noise);
        await File.WriteAllBytesAsync(P("random.mp4"), noise, ct).ConfigureAwait(false);
        cases.Add(new("random-bytes", "random.mp4", "random bytes with a video extension", false, "probe", "not a decodable video"));

        await FfmpegCli.RunAsync(ct, "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", P("audio-only.mp4")).ConfigureAwait(false);
        cases.Add(new("audio-only", "audio-only.mp4", "an audio stream and no video", false, "probe", "no video stream"));

        await Pattern(P("single-frame.mp4"), 160, 120, 1, [.. h264, "-vf", "hue=h=120"]).ConfigureAwait(false);
        cases.Add(new("single-frame", "single-frame.mp4", "one frame: the clip repeats it", true));

        await Pattern(P("8k.mp4"), 7680, 4320, 1, h264).ConfigureAwait(false);
        cases.Add(new("8k", "8k.mp4", "a 7680×4320 frame, over the default pixel budget (decode.maxPixels)", false, "probe", "exceeds decode.maxPixels"));

        await Pattern(P("odd-97x75.mkv"), 97, 75, 24, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p").ConfigureAwait(false);
        cases.Add(new("odd-size", "odd-97x75.mkv", "odd width and height (97×75, 4:4:4)", true));
        await Pattern(P("10bit.mkv"), 160, 120, 24, "-c:v", "ffv1", "-pix_fmt", "yuv420p10le").ConfigureAwait(false);
        cases.Add(new("10-bit", "10bit.mkv", "10-bit 4:2:0 pixels (FFV1)", true));
        await Pattern(P("gray.mkv"), 160, 120, 24, "-c:v", "ffv1", "-pix_fmt", "gray").ConfigureAwait(false);
        cases.Add(new("grayscale", "gray.mkv", "8-bit grayscale pixels (FFV1)", true));

        // Timestamps that jump: 10 frames at 24 fps, a 0.5 s gap, 14 more.
        await Pattern(P("vfr.mkv"), 160, 120, 24, [.. h264, "-vf", "hue=h=150,setpts='(N/24+gte(N,10)*0.5)/TB'", "-fps_mode", "vfr"]).ConfigureAwait(false);
        cases.Add(new("variable-frame-rate", "vfr.mkv", "variable frame rate (a 0.5 s gap in the timestamps)", true));
        await Pattern(P("rotated-90.mp4"), 160, 96, 24, [.. h264, "-vf", "hue=h=180", "-metadata:s:v:0", "rotate=90"]).ConfigureAwait(false);
        cases.Add(new("rotated", "rotated-90.mp4", "90° rotation metadata (displayed 96×160)", true));

        string corrupt = P("frames-corrupt"), missing = P("frames-missing");
        Directory.CreateDirectory(corrupt);
        Directory.CreateDirectory(missing);
        for (int i = 0; i < 6; i++)
        {
            await FfmpegCli.RunAsync(ct, "-f", "lavfi", "-i", $"testsrc2=size=96x72:rate=24", "-vf", $"hue=h={20 * i}", "-frames:v", "1", Path.Combine(corrupt, $"{i:D5}.jpg")).ConfigureAwait(false);
            if (i != 3) File.Copy(Path.Combine(corrupt, $"{i:D5}.jpg"), Path.Combine(missing, $"{i:D5}.jpg"), overwrite: true);
        }
        byte[] jpeg = await File.ReadAllBytesAsync(Path.Combine(corrupt, "00002.jpg"), ct).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(corrupt, "00002.jpg"), jpeg[..(jpeg.Length / 2)], ct).ConfigureAwait(false);
        cases.Add(new("frames-corrupt", "frames-corrupt", "a JPEG frame folder with a truncated frame", false, "probe", "is corrupt"));
        cases.Add(new("frames-missing", "frames-missing", "a JPEG frame folder with a frame missing from the numbering (frames taken in name order)", true));

        if (!OperatingSystem.IsWindows())
        {
            string loop = P("loop.mp4");
            if (File.Exists(loop) || Directory.Exists(loop) || new FileInfo(loop).LinkTarget is not null) File.Delete(loop);
            File.CreateSymbolicLink(loop, "loop.mp4");
            cases.Add(new("symlink-loop", "loop.mp4", "a symbolic link to itself", false, "hash", "symbolic links"));
            // A named pipe nobody writes to: opening it would block forever.
            string fifo = P("never-written.mp4");
            if (File.Exists(fifo)) File.Delete(fifo);
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync(ct).ConfigureAwait(false);
            cases.Add(new("named-pipe", "never-written.mp4", "a named pipe (FIFO) with a video extension that nobody writes to", false, "hash", "not a regular file (a named pipe)"));
            string locked = P("unreadable.mp4");
            if (File.Exists(locked)) File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await Pattern(locked, 160, 120, 24, [.. h264, "-vf", "hue=h=210"]).ConfigureAwait(false);
            File.SetUnixFileMode(locked, UnixFileMode.None);
            // Root reads it anyway (CI runs as root): then it is simply a good video.
            bool root = Environment.UserName == "root";
            cases.Add(new("unreadable", "unreadable.mp4", "a file without read permission", root, root ? null : "probe", root ? null : "permission denied"));
        }

        await File.WriteAllTextAsync(P(ManifestFileName), JsonSerializer.Serialize(cases, Json), ct).ConfigureAwait(false);
        return cases;
    }
}
