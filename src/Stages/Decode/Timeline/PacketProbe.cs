using System.Globalization;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Ffmpeg;

namespace MoSiC.Stream.Stages.Decode.Timeline;

/// <summary>
/// Lists a file's video packets with ffprobe (a demux, no decode: about a tenth of a full decode's time) and turns
/// their timestamps into a <see cref="FrameTimeline"/>. The header's frame count is never used; packets are the data
/// itself, and what decoding later disagrees with is caught where the reader reaches the end.
/// </summary>
public static class PacketProbe
{
    /// <summary>The timeline of <paramref name="source"/> (a file) decoded with <paramref name="options"/>.</summary>
    /// <exception cref="VideoFailedException">ffprobe failed, the data is cut short, or the packets carry no timestamps.</exception>
    public static async Task<FrameTimeline> ProbeAsync(VideoSource source, ProbeInfo probe, DecodeOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Kind == VideoSourceKind.FrameFolder) return FrameTimeline.ForFolder(source, options);
        string[] arguments = ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=time_base:packet=pts,duration,flags:format=start_time",
            "-of", "csv=p=1", source.Path];
        var packets = new List<(long Stamp, long Duration)>();
        Rational? timeBase = null;
        double start = 0;
        bool missing = false;
        var stall = TimeSpan.FromSeconds(options.StallTimeoutSeconds);
        using var deadline = new CancellationTokenSource(stall);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        int exit;
        IReadOnlyList<string> stderr;
        try
        {
            await using FfmpegProcess ffprobe = FfmpegProcess.Start(new FfmpegCommand(FfmpegTool.Ffprobe, arguments), linked.Token);
            using var reader = new StreamReader(ffprobe.Stdout);
            while (await reader.ReadLineAsync(linked.Token).ConfigureAwait(false) is { } line)
            {
                deadline.CancelAfter(stall);
                string[] f = line.Split(',');
                switch (f[0])
                {
                    case "packet" when f.Length >= 4:
                        // A packet the demuxer marks to discard (edit lists) is decoded but never put out.
                        if (f[3].Length > 1 && f[3][1] == 'D') break;
                        if (!long.TryParse(f[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long pts)) missing = true;
                        _ = long.TryParse(f[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long duration);
                        packets.Add((pts, duration));
                        break;
                    case "stream" when f.Length >= 2:
                        timeBase = Rational.Parse(f[1]);
                        break;
                    case "format" when f.Length >= 2:
                        _ = double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out start);
                        break;
                }
            }

            exit = await ffprobe.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            stderr = ffprobe.StderrTail;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Fail(source, $"ffprobe listed no packet for {stall.TotalSeconds:0.#} s; killed");
        }
        catch (FfmpegException e)
        {
            throw Fail(source, e.Message);
        }

        if (exit != 0 || stderr.Any(l => l.Contains("partial file", StringComparison.Ordinal)))
            throw Fail(source, $"{FfmpegMessages.Explain(stderr, probe.Bytes)} (listing the packets, {packets.Count} read)");
        if (packets.Count == 0) throw Fail(source, "no frames could be decoded (the video stream holds no packets)");
        // Without timestamps the count is all we could trust, and not for decode.fps: fall back to the estimate.
        if (missing || timeBase is not { } tb) return FrameTimeline.Estimate(probe, options);

        // ffmpeg shifts every stamp by the file's start time (microseconds, rescaled to the stream's time base, rounded).
        long offset = (long)Math.Round(Math.Round(start * 1e6) * tb.Denominator / (tb.Numerator * 1e6), MidpointRounding.AwayFromZero);
        return FrameTimeline.FromPackets([.. packets.Select(p => (p.Stamp - offset, p.Duration))], tb, options);
    }

    private static VideoFailedException Fail(VideoSource source, string reason) => new(source.Path, "decode", reason);
}
