using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Ffmpeg;

namespace MoSiC.Stream.Stages.Decode;

/// <summary>
/// Decodes one video into RGB24 frames with one ffmpeg process: rotation applied (ffmpeg's autorotate), frames picked
/// by timestamp to the requested rate (so variable frame rate is handled), scaled to the size policy, frame folders
/// read in name order. Frames are read straight from ffmpeg's stdout into pooled buffers. A video that stalls longer
/// than <see cref="DecodeOptions.StallTimeoutSeconds"/> is killed; cancellation kills it too.
/// </summary>
public sealed class VideoDecoder(ArrayPool<byte>? pool = null, TimeProvider? time = null)
{
    private readonly ArrayPool<byte> _pool = pool ?? ArrayPool<byte>.Shared;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Streams the frames of <paramref name="source"/>. Each frame is owned by the caller (dispose it). Throws
    /// <see cref="VideoFailedException"/> for a video that cannot be (fully) decoded, after the frames that could.
    /// </summary>
    public async IAsyncEnumerable<VideoFrame> DecodeAsync(VideoSource source, ProbeInfo probe, DecodeOptions options,
        int ffmpegThreads, [EnumeratorCancellation] CancellationToken ct)
    {
        var index = 0;
        await foreach (RawFrame raw in DecodeRawAsync(source, probe, options, ffmpegThreads, seekSeconds: null, stamps: false, ct).ConfigureAwait(false))
        {
            yield return raw.ToFrame(index, Timestamp(source, probe, options, index, raw.Seconds));
            index++;
        }
    }

    /// <summary>
    /// The presentation time of decoded frame <paramref name="index"/>: the one ffmpeg printed for a file decoded at
    /// its own rate, else its place on the requested (or frame-folder) rate.
    /// </summary>
    internal static TimeSpan Timestamp(VideoSource source, ProbeInfo probe, DecodeOptions options, int index, double? printed) =>
        TimeSpan.FromSeconds(options.Fps is null && source.Kind == VideoSourceKind.File
            ? printed ?? index / (probe.Fps ?? 1)
            : index / (options.Fps ?? source.FrameFolderFps));

    /// <summary>
    /// The frames of one ffmpeg run, in output order, with the stamp and time ffmpeg's showinfo printed for each when
    /// asked for (<paramref name="stamps"/>, or always for a file decoded at its own rate). With
    /// <paramref name="seekSeconds"/> the run starts there (<c>-ss</c>, accurate, with the input's timestamps kept so
    /// the stamps place each frame in the whole video). The stall watchdog counts only time spent waiting on ffmpeg,
    /// never time the caller holds a frame.
    /// </summary>
    internal async IAsyncEnumerable<RawFrame> DecodeRawAsync(VideoSource source, ProbeInfo probe, DecodeOptions options, int ffmpegThreads,
        double? seekSeconds, bool stamps, [EnumeratorCancellation] CancellationToken ct)
    {
        var (width, height) = DecodeGeometry.OutputSize(options, probe.DisplayWidth, probe.DisplayHeight);
        var frameBytes = checked(width * height * 3);
        // Files report their own presentation times; frame folders have none but their assumed rate.
        var showInfo = stamps || (options.Fps is null && source.Kind == VideoSourceKind.File);
        if (seekSeconds is not null && source.Kind != VideoSourceKind.File) throw new ArgumentException("only files can be decoded from a seek point", nameof(seekSeconds));
        string? concatList = source.Kind == VideoSourceKind.FrameFolder ? WriteConcatList(source) : null;
        var stall = TimeSpan.FromSeconds(options.StallTimeoutSeconds);
        try
        {
            var command = new FfmpegCommand(FfmpegTool.Ffmpeg, Arguments(source, concatList, options, width, height, probe, ffmpegThreads, showInfo, seekSeconds))
            {
                ParseTimestamps = showInfo,
            };
            FfmpegProcess started;
            // Not killed on ct: cancellation ends the read below and disposal kills ffmpeg, whereas a kill first could
            // end the stream mid-frame and read as a broken video.
            try { started = FfmpegProcess.Start(command, CancellationToken.None); }
            catch (FfmpegException e) { throw Fail(source, e.Message); }
            await using var ffmpeg = started;
            using var watchdog = new CancellationTokenSource(stall, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, watchdog.Token);

            var index = 0;
            while (true)
            {
                var buffer = _pool.Rent(frameBytes);
                int read;
                try
                {
                    watchdog.CancelAfter(stall);
                    read = await ffmpeg.Stdout.ReadAtLeastAsync(buffer.AsMemory(0, frameBytes), frameBytes,
                        throwOnEndOfStream: false, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    _pool.Return(buffer);
                    throw Fail(source, $"ffmpeg produced no frame for {stall.TotalSeconds:0.#} s after frame {index} (stalled); killed");
                }
                catch
                {
                    _pool.Return(buffer);
                    throw;
                }
                if (read < frameBytes)
                {
                    _pool.Return(buffer);
                    if (read > 0) throw Fail(source, $"ffmpeg output ended in the middle of frame {index} ({read} of {frameBytes} bytes)");
                    break;
                }

                ShowInfoStamp? stamp = showInfo ? await ffmpeg.NextShowInfoAsync(linked.Token).ConfigureAwait(false) : null;
                // The caller's time with the frame is not ffmpeg stalling.
                watchdog.CancelAfter(Timeout.InfiniteTimeSpan);
                index++;
                yield return new RawFrame(buffer, width, height, _pool, stamp?.Pts, stamp?.Seconds);
            }

            int exitCode;
            try
            {
                watchdog.CancelAfter(stall);
                exitCode = await ffmpeg.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw Fail(source, $"ffmpeg did not exit within {stall.TotalSeconds:0.#} s after its last frame; killed");
            }
            var stderr = ffmpeg.StderrTail;
            if (exitCode != 0)
                throw Fail(source, $"{FfmpegMessages.Explain(stderr, probe.Bytes)} (ffmpeg exit code {exitCode}, {index} frames decoded)");
            if (stderr.Any(l => l.Contains("partial file", StringComparison.Ordinal)))
                throw Fail(source, $"{FfmpegMessages.Explain(stderr, probe.Bytes)}; {index} frames decoded before the end");
            if (index == 0 && seekSeconds is null)
                throw Fail(source, $"no frames could be decoded{(stderr.Count > 0 ? $" ({FfmpegMessages.Explain(stderr, probe.Bytes)})" : "")}");
            if (source.Kind == VideoSourceKind.FrameFolder && options.Fps is null && index != source.FrameFiles.Count)
                throw Fail(source, $"{source.FrameFiles.Count} frame files but ffmpeg decoded {index} frames ({FfmpegMessages.Explain(stderr)})");
        }
        finally
        {
            if (concatList is not null) File.Delete(concatList);
        }
    }

    /// <summary>The ffmpeg arguments (after the executable and what <see cref="FfmpegProcess"/> adds) that decode <paramref name="source"/>.</summary>
    internal static List<string> Arguments(VideoSource source, string? concatList, DecodeOptions options, int width, int height,
        ProbeInfo probe, int ffmpegThreads, bool showInfo, double? seekSeconds = null)
    {
        var args = new List<string> { "-nostats", "-loglevel", showInfo ? "info" : "error" };
        var threads = ffmpegThreads.ToString(CultureInfo.InvariantCulture);
        args.AddRange(["-threads", threads]);
        // Accurate input seeking; -copyts -start_at_zero keeps the timestamps of a run from the start (shifted so the
        // file starts at 0), so the fps filter keeps the same grid and showinfo prints the same stamps.
        if (seekSeconds is { } seek) args.AddRange(["-ss", seek.ToString("0.000000", CultureInfo.InvariantCulture), "-copyts", "-start_at_zero"]);
        if (concatList is not null) args.AddRange(["-f", "concat", "-safe", "0", "-i", concatList]);
        else args.AddRange(["-i", source.Path]);

        var filters = new List<string>();
        // The concat demuxer stores frame times in the image stream's coarse time base: restamp frame n at n / rate.
        if (concatList is not null)
            filters.Add($"settb=expr=1/{source.FrameFolderFps.ToString("R", CultureInfo.InvariantCulture)},setpts=N");
        // round=up keeps, for output time t, the last input frame shown at or before t (sample and hold).
        if (options.Fps is { } fps) filters.Add($"fps=fps={fps.ToString("R", CultureInfo.InvariantCulture)}:round=up");
        if (showInfo) filters.Add("showinfo=checksum=0");
        if (width != probe.DisplayWidth || height != probe.DisplayHeight)
            filters.Add($"scale=w={width}:h={height}:flags={options.Scaler}");
        args.AddRange(["-map", "0:v:0", "-an", "-sn", "-dn", "-filter_threads", threads]);
        if (filters.Count > 0) args.AddRange(["-vf", string.Join(',', filters)]);
        // The fps filter already made the rate constant: no muxer-side duplication or dropping.
        args.AddRange(["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        return args;
    }

    // The concat demuxer reads exactly our ordered file list (an image2 glob would re-sort and re-interpret names).
    private static string WriteConcatList(VideoSource source)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mosic-frames-{Guid.NewGuid():N}.ffconcat");
        var duration = (1.0 / source.FrameFolderFps).ToString("R", CultureInfo.InvariantCulture);
        using var writer = new StreamWriter(path);
        writer.WriteLine("ffconcat version 1.0");
        foreach (var file in source.FrameFiles)
        {
            writer.WriteLine($"file '{file.Replace("'", @"'\''", StringComparison.Ordinal)}'");
            writer.WriteLine($"duration {duration}");
        }
        return path;
    }

    private static VideoFailedException Fail(VideoSource source, string reason) => new(source.Path, "decode", reason);
}
