using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Ffmpeg;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream probe PATH…</c>: what each video holds, and whether (and how far) it decodes.</summary>
internal static class ProbeCommand
{
    private static readonly string[] FrameExtensions = new CorpusOptions().FrameExtensions.ToArray();

    /// <summary>One probed path, as printed and as written with --json.</summary>
    internal sealed record ProbeReport(string Path, string Kind, ProbeInfo? Probe, FrameTiming? Timing, int? DecodableFrames, string? Failure)
    {
        public bool Ok => Failure is null;
    }

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Video files or frame folders.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var noDecode = new Option<bool>("--no-decode") { Description = "Skip the full decode that counts decodable frames." };
        var fps = new Option<double>("--frame-folder-fps") { Description = "Frame rate assumed for frame folders.", DefaultValueFactory = _ => 24 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds without progress before ffprobe/ffmpeg is killed.", DefaultValueFactory = _ => 60 };
        var command = new Command("probe", "Show streams, size, fps, rotation, variable frame rate and decodable frame count of videos (or why they cannot be decoded).")
        {
            paths, json, noDecode, fps, timeout,
        };
        command.SetAction(async (result, ct) =>
        {
            FfmpegTools.EnsureInstalled();
            var reports = new List<ProbeReport>();
            foreach (var path in result.GetValue(paths)!)
                reports.Add(await ProbeAsync(path, !result.GetValue(noDecode), result.GetValue(fps), result.GetValue(timeout), ct));
            Console.Write(result.GetValue(json) ? ToJson(reports) : ToText(reports));
            return reports.All(r => r.Ok) ? 0 : 1;
        });
        return command.WithExamples(
            ("mosic-stream probe video.mp4", "streams, size, rotation, frame timing and decodable frames"),
            ("mosic-stream probe --json --no-decode data/*.mp4", "quick header check of many files, as JSON"));
    }

    internal static async Task<ProbeReport> ProbeAsync(string path, bool decode, double folderFps, double timeoutSeconds, CancellationToken ct)
    {
        var source = VideoSource.FromPath(path, FrameExtensions, folderFps);
        ProbeInfo? probe = null;
        FrameTiming? timing = null;
        var frames = 0;
        try
        {
            probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(timeoutSeconds), long.MaxValue, ct);
            if (source.Kind == VideoSourceKind.File) timing = await FrameTiming.MeasureAsync(source.Path, ct);
            if (!decode) return new ProbeReport(source.Path, Kind(source), probe, timing, null, null);
            var options = new DecodeOptions { StallTimeoutSeconds = timeoutSeconds };
            await foreach (var frame in new VideoDecoder().DecodeAsync(source, probe, options, 0, ct))
            {
                frame.Dispose();
                frames++;
            }
            return new ProbeReport(source.Path, Kind(source), probe, timing, frames, null);
        }
        catch (VideoFailedException ex)
        {
            return new ProbeReport(source.Path, Kind(source), probe, timing, null, $"{ex.Record.Stage}: {ex.Record.Reason}");
        }
    }

    private static string Kind(VideoSource source) => source.Kind == VideoSourceKind.File ? "file" : "frame-folder";

    private static string ToJson(IReadOnlyList<ProbeReport> reports) =>
        JsonSerializer.Serialize(reports, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }) + Environment.NewLine;

    private static string ToText(IReadOnlyList<ProbeReport> reports)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        foreach (var r in reports)
        {
            text.AppendLine(r.Path);
            if (r.Probe is { } p)
            {
                text.AppendLine(c, $"  container  {p.Format}, {p.Bytes / 1048576.0:F2} MiB, {p.Duration.TotalSeconds:F2} s");
                foreach (var s in p.Streams)
                {
                    text.Append(c, $"  stream {s.Index,-3} {s.Type} {s.Codec}");
                    if (s.Width is not null) text.Append(c, $" {s.Width}x{s.Height} {s.PixelFormat}, {s.FrameRate:0.###} fps (average {s.AverageFrameRate:0.###}), rotation {s.Rotation}");
                    text.AppendLine();
                }
                text.AppendLine(c, $"  display    {p.DisplayWidth}x{p.DisplayHeight}{(p.Rotation != 0 ? $" (rotated {p.Rotation}°)" : "")}");
                if (r.Timing is { } t)
                    text.AppendLine(c, $"  timing     {(t.IsVariable ? "variable" : "constant")} frame rate: packet intervals {t.MinInterval * 1000:F1}–{t.MaxInterval * 1000:F1} ms (median {t.MedianInterval * 1000:F1}) over {t.Packets} packets");
                else text.AppendLine(c, $"  timing     {p.Fps:0.###} fps assumed (frame folders store no timing)");
            }
            if (r.DecodableFrames is { } n)
                text.AppendLine(c, $"  frames     {n} decodable{(r.Probe?.HeaderFrameCount is { } h ? $" (header says {h})" : "")}");
            if (r.Failure is not null) text.AppendLine($"  cannot decode: {r.Failure}");
        }
        return text.ToString();
    }
}
