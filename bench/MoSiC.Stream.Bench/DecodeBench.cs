using System.Diagnostics;
using System.Globalization;
using System.Text;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Ffmpeg;

namespace MoSiC.Stream.Bench;

/// <summary>
/// <c>mosic-bench decode</c>: frames/s of our decoder against the ffmpeg CLI into a discarding reader, and against
/// FFMpegCore's pipe sink, per file and thread setting, in one process, interleaved round by round.
/// </summary>
internal static class DecodeBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Input(string Path, string Label);

    private readonly record struct Sample(double Seconds, double CpuSeconds, DecodeCount Count);

    /// <summary>One measured way of decoding (A, B, B2, C) and its samples.</summary>
    private sealed class Series(string key, string title, Func<CancellationToken, Task<DecodeCount>> run)
    {
        public string Key { get; } = key;
        public string Title { get; } = title;
        public Func<CancellationToken, Task<DecodeCount>> Run { get; } = run;
        public List<Sample> Samples { get; } = [];

        public double MedianFps => BenchSupport.Median(Samples.Select(s => s.Count.Frames / s.Seconds));
        public double MedianMBps => BenchSupport.Median(Samples.Select(s => s.Count.Bytes / 1e6 / s.Seconds));
        public double MedianCpuMsPerFrame => BenchSupport.Median(Samples.Select(s => 1000 * s.CpuSeconds / Math.Max(1, s.Count.Frames)));
        public long[] FrameCounts => Samples.Select(s => s.Count.Frames).Distinct().ToArray();
    }

    private sealed record Row(string Label, string Size, int Threads, bool NativeRateComparable, IReadOnlyList<Series> Series)
    {
        public Series? Get(string key) => Series.FirstOrDefault(s => s.Key == key);
    }

    public static async Task<int> RunAsync(DecodeBenchOptions options, CancellationToken ct)
    {
        FfmpegTools.EnsureInstalled();
        var temp = Path.Combine(Path.GetTempPath(), $"mosic-bench-{Guid.NewGuid():N}");
        var notes = new List<string>();
        try
        {
            var inputs = options.Files.Count > 0
                ? options.Files.Select(f => new Input(Path.GetFullPath(f), Path.GetFileName(f))).ToList()
                : await DefaultInputsAsync(temp, notes, ct);
            var rows = new List<Row>();
            foreach (var input in inputs)
            {
                var source = VideoSource.FromFile(input.Path);
                var probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(60), long.MaxValue, ct);
                foreach (var threads in options.Threads)
                    rows.Add(await MeasureAsync(input, source, probe, threads, options, ct));
            }
            var report = Report(options, rows, notes);
            Console.Write(report);
            if (options.Out is { } output) await File.WriteAllTextAsync(output, report, ct);
            return rows.All(FramesAgree) ? 0 : 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private static async Task<Row> MeasureAsync(Input input, VideoSource source, ProbeInfo probe, int threads,
        DecodeBenchOptions options, CancellationToken ct)
    {
        var variants = new DecodeVariants(source, probe, threads, options.Fps, options.Width, options.Height);
        var series = new List<Series>
        {
            new("A", "A: ffmpeg → discard", c => variants.BaselineAsync(0, c)),
            new("A1M", "A1M: ffmpeg → discard, 1 MiB pipe", c => variants.BaselineAsync(1 << 20, c)),
            new("B", "B: ours, native ts (showinfo)", c => variants.OursAsync(variants.NativeOptions, c)),
        };
        if (variants.CfrOptions is { } cfr) series.Add(new Series("B2", "B2: ours, CFR (fps set)", c => variants.OursAsync(cfr, c)));
        series.Add(new Series("C", "C: FFMpegCore pipe", variants.FfmpegCoreAsync));

        Console.Error.WriteLine($"{input.Label}: threads {threads}, {options.Warmup} warm-up + {options.Repeats} timed rounds of {string.Join(' ', series.Select(s => s.Key))}");
        for (var round = -options.Warmup; round < options.Repeats; round++)
        {
            var line = new StringBuilder(round < 0 ? "  warm-up" : $"  round {round + 1}");
            foreach (var s in series)
            {
                var sample = await TimeAsync(s.Run, ct);
                if (round >= 0) s.Samples.Add(sample);
                line.Append(Inv, $"  {s.Key} {sample.Count.Frames / sample.Seconds,7:F1} fps");
            }
            Console.Error.WriteLine(line);
        }
        var (w, h) = DecodeGeometry.OutputSize(variants.NativeOptions, probe.DisplayWidth, probe.DisplayHeight);
        return new Row(input.Label, $"{w}×{h}", threads, options.Fps is null, series);
    }

    private static async Task<Sample> TimeAsync(Func<CancellationToken, Task<DecodeCount>> run, CancellationToken ct)
    {
        // Garbage from the previous variant is not charged to this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var cpu = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var count = await run(ct);
        var seconds = clock.Elapsed.TotalSeconds;
        return new Sample(seconds, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds, count);
    }

    // A, B2 and C (and B when no --fps is given) must all deliver the same frames, every round.
    private static bool FramesAgree(Row row) =>
        row.Series.Where(s => row.NativeRateComparable || s.Key != "B").SelectMany(s => s.FrameCounts).Distinct().Count() == 1;

    private static string FrameCheck(Row row)
    {
        if (FramesAgree(row))
        {
            var n = row.Series[0].FrameCounts[0];
            return row.NativeRateComparable ? $"✓ all {n}" : $"✓ {n} (B: {string.Join('/', row.Get("B")!.FrameCounts)} at native rate)";
        }
        return "✗ " + string.Join(", ", row.Series.Select(s => $"{s.Key} {string.Join('/', s.FrameCounts)}"));
    }

    private static string Report(DecodeBenchOptions options, IReadOnlyList<Row> rows, IReadOnlyList<string> notes)
    {
        var md = new StringBuilder();
        var shaping = (options.Fps is { } f ? $", fps {f.ToString(Inv)}" : "") +
                      (options.Width is { } w ? $", stretched to {w}×{options.Height}" : "");
        md.AppendLine(Inv, $"Median of {options.Repeats} interleaved rounds (A A1M B B2 C, after {options.Warmup} warm-up) per file and thread setting{shaping}; cells are frames/s (MB/s of RGB24); ratios are ratios of the median frames/s.");
        md.AppendLine();
        md.AppendLine("| video | output | threads | A: ffmpeg → discard | A1M: same, 1 MiB pipe | B: ours, native ts (showinfo) | B2: ours, CFR (fps set) | C: FFMpegCore pipe | B/A | B2/A | C/A | B2/A1M | frames (same in all) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            string Cell(string key) => row.Get(key) is { } s ? $"{s.MedianFps:F1} ({s.MedianMBps:F0})" : "n/a";
            string Ratio(string key, string over) =>
                key == "B" && !row.NativeRateComparable ? "n/a (other rate)"
                : row.Get(key) is { } s && row.Get(over) is { } o ? $"{s.MedianFps / o.MedianFps:F2}" : "n/a";
            md.AppendLine(Inv, $"| {row.Label} | {row.Size} | {row.Threads} | {Cell("A")} | {Cell("A1M")} | {Cell("B")} | {Cell("B2")} | {Cell("C")} | **{Ratio("B", "A")}** | **{Ratio("B2", "A")}** | {Ratio("C", "A")} | {Ratio("B2", "A1M")} | {FrameCheck(row)} |");
        }
        md.AppendLine();
        md.AppendLine("The same ratios taken round by round (each variant against A of its own round), median [min–max], to show the noise:");
        md.AppendLine();
        md.AppendLine("| video | threads | B/A | B2/A | C/A | B2/A1M |");
        md.AppendLine("|---|---:|---|---|---|---|");
        foreach (var row in rows)
        {
            string Paired(string key, string over)
            {
                if (key == "B" && !row.NativeRateComparable) return "n/a (other rate)";
                if (row.Get(key) is not { } s || row.Get(over) is not { } o) return "n/a";
                var ratios = s.Samples.Zip(o.Samples, (x, y) => (x.Count.Frames / x.Seconds) / (y.Count.Frames / y.Seconds)).ToArray();
                return $"{BenchSupport.Median(ratios):F2} [{ratios.Min():F2}–{ratios.Max():F2}]";
            }
            md.AppendLine(Inv, $"| {row.Label} | {row.Threads} | {Paired("B", "A")} | {Paired("B2", "A")} | {Paired("C", "A")} | {Paired("B2", "A1M")} |");
        }
        md.AppendLine();
        md.AppendLine("CPU time of the benchmark process itself (the reader side; ffmpeg not included), median ms per frame:");
        md.AppendLine();
        md.AppendLine("| video | threads | A | A1M | B | B2 | C |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            string Cpu(string key) => row.Get(key) is { } s ? s.MedianCpuMsPerFrame.ToString("F2", Inv) : "n/a";
            md.AppendLine(Inv, $"| {row.Label} | {row.Threads} | {Cpu("A")} | {Cpu("A1M")} | {Cpu("B")} | {Cpu("B2")} | {Cpu("C")} |");
        }
        foreach (var note in notes)
        {
            md.AppendLine();
            md.AppendLine(note);
        }
        return md.ToString();
    }

    // The SAM 2 gallery clip next to the repository (when present) and a generated 1280×720 H.264 clip.
    private static async Task<List<Input>> DefaultInputsAsync(string temp, List<string> notes, CancellationToken ct)
    {
        var inputs = new List<Input>();
        var root = BenchSupport.RepositoryRoot();
        var dog = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "real", "sam2_gallery_dog", "video.mp4"));
        if (dog is not null && File.Exists(dog)) inputs.Add(new Input(dog, "sam2_gallery_dog/video.mp4"));
        else
        {
            var message = $"Skipped sam2_gallery_dog/video.mp4: not found ({dog ?? "no MoSiC.Stream.sln above the current directory"}).";
            Console.Error.WriteLine(message);
            notes.Add(message);
        }

        Directory.CreateDirectory(temp);
        var clip = Path.Combine(temp, "testsrc2-1280x720-600.mp4");
        Console.Error.WriteLine($"generating {clip}");
        var info = new ProcessStartInfo(FfmpegTools.Ffmpeg) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                     "-frames:v", "600", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", clip })
            info.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        var errors = await ffmpeg.StandardError.ReadToEndAsync(ct);
        await ffmpeg.WaitForExitAsync(ct);
        if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"could not generate the test clip: {errors.Trim()}");
        inputs.Add(new Input(clip, "testsrc2 1280×720 H.264 (generated)"));
        return inputs;
    }
}
