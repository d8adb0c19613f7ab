using System.Globalization;
using FFMpegCore;
using FFMpegCore.Exceptions;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Stages.Ffmpeg;

namespace MoSiC.Stream.Stages.Decode;

/// <summary>
/// Finds out what a video holds (ffprobe, its JSON read by FFMpegCore), and refuses what cannot be decoded with a specific
/// reason: missing, empty or unreadable input, not a video, no video stream, frames over the pixel budget.
/// </summary>
public sealed class VideoProber(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Probes <paramref name="source"/>; throws <see cref="VideoFailedException"/> with the reason it cannot be decoded.</summary>
    public async Task<ProbeInfo> ProbeAsync(VideoSource source, TimeSpan timeout, long maxPixels, CancellationToken ct)
    {
        var info = source.Kind == VideoSourceKind.FrameFolder
            ? await ProbeFolderAsync(source, timeout, ct).ConfigureAwait(false)
            : await ProbeFileAsync(source.Path, timeout, ct).ConfigureAwait(false);
        if ((long)info.Width * info.Height > maxPixels)
            throw Fail(source.Path, $"frame size {info.Width}x{info.Height} ({info.Width * (long)info.Height / 1e6:F1} MP) exceeds decode.maxPixels ({maxPixels / 1e6:F1} MP)");
        return info;
    }

    private async Task<ProbeInfo> ProbeFileAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        var bytes = CheckReadable(path);
        IMediaAnalysis analysis;
        using (var deadline = new CancellationTokenSource(timeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token))
        {
            FfmpegResult result;
            try
            {
                result = await FfmpegProcess.RunAsync(new FfmpegCommand(FfmpegTool.Ffprobe, ProbeArguments(path)), linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw Fail(path, $"ffprobe did not answer within {timeout.TotalSeconds:0.#} s (a pipe or device that never delivers data?); killed");
            }
            catch (FfmpegException ex)
            {
                throw Fail(path, ex.Message, ex);
            }

            if (result.ExitCode != 0)
            {
                // ffmpeg picks the MP4 demuxer by extension, so random bytes named .mp4 read as "moov atom not found".
                if (bytes > 0 && !LooksLikeIsoMedia(path) && result.Stderr.Any(l => l.Contains("moov atom not found", StringComparison.Ordinal)))
                    throw Fail(path, $"not a decodable video: the {bytes} bytes do not start with an MP4/MOV box (ftyp, moov, mdat, …), so this is not a cut-off MP4 but other data with a video extension");
                throw Fail(path, FfmpegMessages.Explain(result.Stderr, bytes));
            }

            try
            {
                analysis = FFProbe.FromJson(result.Stdout);
            }
            catch (Exception ex) when (ex is FFMpegException or FormatException or System.Text.Json.JsonException)
            {
                throw Fail(path, $"ffprobe output could not be read: {ex.Message}", ex);
            }
        }

        var streams = analysis.VideoStreams.Select(v => new StreamInfo(v.Index, "video", v.CodecName ?? "?", v.Width, v.Height,
                v.PixelFormat, Positive(v.RealFrameRate), Positive(v.AverageFrameRate), v.Rotation))
            .Concat(analysis.AudioStreams.Select(a => new StreamInfo(a.Index, "audio", a.CodecName ?? "?", null, null, null, null, null, 0)))
            .Concat(analysis.SubtitleStreams.Select(s => new StreamInfo(s.Index, "subtitle", s.CodecName ?? "?", null, null, null, null, null, 0)))
            .OrderBy(s => s.Index).ToArray();
        var video = analysis.PrimaryVideoStream;
        if (video is null || video.Width is not > 0 || video.Height is not > 0)
        {
            var found = streams.Length == 0 ? "none" : string.Join(", ", streams.Select(s => $"{s.Type} {s.Codec}"));
            if (streams.Length == 0 && CutBox(path, bytes) is { } cut)
                throw Fail(path, $"truncated or incomplete MP4: the {cut.Type} box at byte {cut.Offset} declares {cut.Size} bytes but the file ends after {bytes}, so the index was cut (streams found: none)");
            throw Fail(path, $"no video stream (streams found: {found})");
        }
        return new ProbeInfo(path, VideoSourceKind.File, analysis.Format.FormatName, bytes, analysis.Duration, streams,
            video.Width.Value, video.Height.Value, NormaliseRotation(video.Rotation),
            Positive(video.AverageFrameRate) ?? Positive(video.RealFrameRate),
            HeaderFrameCount(analysis.Json, video.Index));
    }

    private async Task<ProbeInfo> ProbeFolderAsync(VideoSource source, TimeSpan timeout, CancellationToken ct)
    {
        if (!Directory.Exists(source.Path)) throw Fail(source.Path, "frame folder not found");
        if (source.FrameFiles.Count == 0) throw Fail(source.Path, "frame folder holds no frames");
        for (var i = 0; i < source.FrameFiles.Count; i++)
        {
            if (FrameFileCheck.Problem(source.FrameFiles[i]) is { } problem)
                throw Fail(source.Path, $"frame {i} ({Path.GetFileName(source.FrameFiles[i])}) is corrupt: {problem}");
        }
        var first = await ProbeFileAsync(source.FrameFiles[0], timeout, ct).ConfigureAwait(false);
        var bytes = source.FrameFiles.Sum(f => new FileInfo(f).Length);
        return first with
        {
            Path = source.Path,
            Kind = VideoSourceKind.FrameFolder,
            Format = $"frames ({first.Format})",
            Streams = first.Streams.Select(s => s with { FrameRate = source.FrameFolderFps, AverageFrameRate = source.FrameFolderFps }).ToArray(),
            Bytes = bytes,
            Duration = TimeSpan.FromSeconds(source.FrameFiles.Count / source.FrameFolderFps),
            Fps = source.FrameFolderFps,
            HeaderFrameCount = source.FrameFiles.Count,
        };
    }

    private static long CheckReadable(string path)
    {
        if (Directory.Exists(path)) throw Fail(path, "is a directory, not a video file");
        var file = new FileInfo(path);
        if (!file.Exists) throw Fail(path, "file not found");
        if (file.Length == 0)
        {
            // Opening a FIFO blocks until a writer appears: leave pipes and devices to ffprobe and its timeout.
            if (FileKinds.Of(path) is FileKind.Fifo or FileKind.Socket or FileKind.CharacterDevice or FileKind.BlockDevice) return -1;
            throw Fail(path, "empty file (0 bytes)");
        }
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            return file.Length;
        }
        catch (UnauthorizedAccessException ex) { throw Fail(path, $"permission denied: {ex.Message}", ex); }
        catch (IOException ex) { throw Fail(path, $"cannot be read: {ex.Message}", ex); }
    }

    // What FFMpegCore's FFProbe.Analyse asks for, so that FFProbe.FromJson reads the answer as it reads its own.
    private static string[] ProbeArguments(string path) =>
        ["-loglevel", "error", "-print_format", "json", "-show_format", "-sexagesimal", "-show_streams", "-show_chapters", "-i", path];

    // ffprobe's nb_frames, which FFMpegCore does not map; informative only, never trusted.
    private static long? HeaderFrameCount(string json, int streamIndex)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("streams", out var streams)) return null;
        foreach (var stream in streams.EnumerateArray())
        {
            if (stream.TryGetProperty("index", out var index) && index.GetInt32() == streamIndex
                && stream.TryGetProperty("nb_frames", out var frames)
                && long.TryParse(frames.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                return n;
        }
        return null;
    }

    private static readonly string[] IsoBoxes = ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid", "styp"];

    private static bool LooksLikeIsoMedia(string path)
    {
        Span<byte> head = stackalloc byte[8];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8
            && IsoBoxes.Contains(System.Text.Encoding.ASCII.GetString(head[4..]));
    }

    // The first top-level MP4/MOV box that runs past the end of the file, if any: a file cut inside its index.
    private static (string Type, long Offset, long Size)? CutBox(string path, long length)
    {
        if (length <= 0 || !LooksLikeIsoMedia(path)) return null;
        Span<byte> header = stackalloc byte[16];
        using var file = File.OpenRead(path);
        for (long offset = 0; offset + 8 <= length;)
        {
            file.Position = offset;
            int read = file.ReadAtLeast(header, 16, throwOnEndOfStream: false);
            long size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header);
            string type = System.Text.Encoding.ASCII.GetString(header[4..8]);
            if (size == 1 && read >= 16) size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(header[8..]);
            if (size == 0) return null; // "to the end of the file"
            if (size < 8) return null;
            if (offset + size > length) return (type, offset, size);
            offset += size;
        }

        return null;
    }

    private static int NormaliseRotation(int degrees) => ((degrees % 360) + 360) % 360;

    private static double? Positive(double value) => double.IsFinite(value) && value > 0 ? value : null;

    private static VideoFailedException Fail(string path, string reason, Exception? inner = null) => new(path, "probe", reason, inner);
}
