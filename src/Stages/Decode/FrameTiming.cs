using System.Globalization;
using MoSiC.Stream.Stages.Ffmpeg;

namespace MoSiC.Stream.Stages.Decode;

/// <summary>Frame-interval statistics of a video's packets (a demux, no decode).</summary>
/// <param name="Packets">Video packets with a timestamp.</param>
/// <param name="MinInterval">Shortest gap between consecutive presentation times, seconds.</param>
/// <param name="MaxInterval">Longest gap, seconds.</param>
/// <param name="MedianInterval">Median gap, seconds.</param>
public sealed record FrameTiming(int Packets, double MinInterval, double MaxInterval, double MedianInterval)
{
    /// <summary>True when frame intervals vary by more than 10 % of the median (a variable-frame-rate stream).</summary>
    public bool IsVariable => Packets > 2 && MaxInterval - MinInterval > 0.1 * MedianInterval;

    /// <summary>Reads the packet timestamps of the first video stream of <paramref name="path"/> with ffprobe.</summary>
    public static async Task<FrameTiming> MeasureAsync(string path, CancellationToken ct)
    {
        string[] arguments = ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", path];
        await using var ffprobe = FfmpegProcess.Start(new FfmpegCommand(FfmpegTool.Ffprobe, arguments), ct);
        using var reader = new StreamReader(ffprobe.Stdout);
        var times = new List<double>();
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (double.TryParse(line.Trim().TrimEnd(','), NumberStyles.Float, CultureInfo.InvariantCulture, out var t)) times.Add(t);
        }
        await ffprobe.WaitForExitAsync(ct).ConfigureAwait(false);
        times.Sort();
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).Where(g => g > 0).Order().ToArray();
        return gaps.Length == 0
            ? new FrameTiming(times.Count, 0, 0, 0)
            : new FrameTiming(times.Count, gaps[0], gaps[^1], gaps[gaps.Length / 2]);
    }
}
