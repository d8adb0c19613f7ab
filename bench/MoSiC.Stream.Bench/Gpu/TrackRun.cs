using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MoSiC.Stream.Core.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MoSiC.Stream.Bench.Gpu;

/// <summary>
/// Issue #18 item 3: <c>mosic-stream track</c> with <c>cotracker3-offline</c> on <c>runtime.device</c>, end to end, on a
/// frame-folder corpus written here (PNG frames of synthetic scenes), with the throughput profile. Frame folders are
/// decoded by ffmpeg (concat demuxer) after an ffprobe check, like every video, so both must be on PATH; without them
/// the section is <c>blocked</c> and says so.
/// </summary>
internal static class TrackRun
{
    public static async Task<TrackEndToEnd> RunAsync(string workDir, ComputeDevice device, GpuCheckSizes sizes, string weights, CancellationToken ct)
    {
        string? missing = new[] { "ffmpeg", "ffprobe" }.FirstOrDefault(tool => Which(tool) is null);
        if (missing is not null)
        {
            return new TrackEndToEnd("blocked", $"{missing} is not on PATH: frame folders are decoded by ffmpeg's concat demuxer after an ffprobe check " +
                                                "(src/Stages/Decode), so track cannot run without both (docs/gpu.md, item 3)",
                null, null, sizes.CorpusVideos, sizes.CorpusFrames, device.Name(), null, null, null);
        }

        string corpus = Path.Combine(workDir, "corpus");
        WriteFrameFolders(corpus, sizes);
        string pipeline = Path.Combine(workDir, "pipeline.json");
        string profile = Path.Combine(workDir, "profile");
        await File.WriteAllTextAsync(pipeline, Pipeline(corpus, Path.Combine(workDir, "cache"), weights, device, sizes), ct);

        string cli = Path.Combine(AppContext.BaseDirectory, "mosic-stream");
        var info = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "track", pipeline, "--profile", profile }) info.ArgumentList.Add(a);
        long start = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {cli}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(ct), stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        string output = (await stdout) + (await stderr);
        await File.WriteAllTextAsync(Path.Combine(workDir, "track.log"), output, ct);

        string profileJson = Path.Combine(profile, "profile.json");
        long? tracked = null;
        double? busy = null;
        string? bottleneck = null;
        if (File.Exists(profileJson))
        {
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(profileJson, ct));
            var root = doc.RootElement;
            tracked = root.GetProperty("run").GetProperty("clipsTracked").GetInt64();
            foreach (var stage in root.GetProperty("stages").EnumerateArray())
                if (stage.GetProperty("name").GetString() == "track") busy = stage.GetProperty("busy").GetDouble();
            if (root.GetProperty("bottleneck") is { ValueKind: JsonValueKind.Object } b) bottleneck = b.GetProperty("reason").GetString();
        }

        bool ok = process.ExitCode == 0 && tracked > 0;
        string? detail = ok ? null : $"exit {process.ExitCode}, {tracked?.ToString(CultureInfo.InvariantCulture) ?? "no"} clips tracked; last output: {Tail(output, 600)}";
        return new TrackEndToEnd(ok ? "ok" : "failed", detail, process.ExitCode, seconds, sizes.CorpusVideos, sizes.CorpusFrames,
            device.Name(), tracked, busy, bottleneck);
    }

    /// <summary>One folder of PNG frames per video (<c>frames/v0/00000.png</c> …), each a different synthetic scene.</summary>
    internal static void WriteFrameFolders(string corpus, GpuCheckSizes sizes)
    {
        const int Side = 224;
        for (int v = 0; v < sizes.CorpusVideos; v++)
        {
            string folder = Path.Combine(corpus, "frames", $"v{v}");
            Directory.CreateDirectory(folder);
            byte[][] frames = Throughput.SyntheticFrames(sizes.CorpusFrames, Side, seed: 100 + v);
            for (int t = 0; t < frames.Length; t++)
            {
                using var image = Image.LoadPixelData<Rgb24>(frames[t], Side, Side);
                image.SaveAsPng(Path.Combine(folder, $"{t:D5}.png"));
            }
        }
    }

    private static string Pipeline(string corpus, string cache, string weights, ComputeDevice device, GpuCheckSizes sizes)
    {
        int cores = Environment.ProcessorCount;
        var document = new
        {
            name = "gpu-check-track",
            corpus = new { root = corpus, include = new[] { "frames/*/*.png" }, frameFolderFps = 24 },
            decode = new { fps = 24, resize = "stretch", width = 224, height = 224 },
            clips = new { framesPerClip = sizes.TrackFramesPerClip, stride = sizes.TrackFramesPerClip, clipsPerVideo = 0 },
            tracker = new { name = "cotracker3-offline", grid = sizes.TrackGrid, batchSize = 4, weights },
            cache = new { dir = cache },
            runtime = new
            {
                device = device.Name(),
                threads = new { decodeWorkers = Math.Clamp(cores / 4, 1, 4), ffmpegThreads = 1, tracker = Math.Max(1, cores / 2), torch = 1 },
            },
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);

    private static string Tail(string text, int chars) => text.Length <= chars ? text.Trim() : "…" + text[^chars..].Trim();
}
