using System.Diagnostics;
using System.Globalization;
using System.Text;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.CoTracker;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Stages.Track.CoTracker;
using TorchSharp.PyBridge;

namespace MoSiC.Stream.Bench;

/// <summary>
/// <c>mosic-bench cotracker</c>: clips/s and peak resident memory of the <c>cotracker3-offline</c> stage for each
/// batch size, on the CPU (or wherever <c>--device</c> puts it). The peak is the process's VmHWM, reset through
/// <c>/proc/self/clear_refs</c> before each batch size, so each row is that batch size's own peak (model included).
/// Speed does not depend on the weights' values: without <c>--weights</c> a random-weight file is used.
/// </summary>
internal static class CoTrackerBench
{
    public const string Usage =
        """
        usage: mosic-bench cotracker [--weights W] [--file F] [--size S] [--frames T] [--grid G] [--batches 1,2] [--threads N] [--device D] [--repeats N] [--out results.md]

          --weights W  scaled_offline.pth (default: random weights written to a temporary file)
          --file F     video to cut clips from (default: ../shared/data/real/sam2_gallery_dog/video.mp4)
          --size S     frames stretched to S x S, as MoSiC's input (default 224)
          --frames T   frames per clip (default 12)
          --grid G     G x G query grid (default 16)
          --batches L  batch sizes, comma-separated, timed in this order (default 1,2)
          --threads N  LibTorch intra-op threads (default 2)
          --device D   auto, cpu or cuda (default cpu)
          --repeats N  timed rounds per batch size (default 3), after one warm-up round
          --out FILE   also write the Markdown report to FILE
        """;

    private sealed record Options(string? Weights, string? File, int Size, int Frames, int Grid, int[] Batches, int Threads, string Device, int Repeats, string? Out);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (!BenchSupport.TryParse("cotracker", Usage, () => Parse(args), out Options o)) return 2;

        string file = o.File ?? Path.Combine(BenchSupport.RepositoryRoot() ?? ".", "..", "shared", "data", "real", "sam2_gallery_dog", "video.mp4");
        int most = o.Batches.Max();
        var decode = new DecodeOptions { Resize = ResizeMode.Stretch, Width = o.Size, Height = o.Size };
        using DecodedVideo video = await DecodedVideo.LoadAsync(VideoSource.FromFile(file), decode, most * o.Frames, 1, ct);
        if (video.Frames.Count < most * o.Frames) throw new InvalidOperationException($"{file}: {video.Frames.Count} frames, need {most * o.Frames}");

        string? temporary = null;
        string weights = o.Weights ?? (temporary = RandomWeights());
        try
        {
            await using var tracker = new CoTrackerTracker(weights, ComputeDevices.Resolve(o.Device, TorchRuntime.CudaVisible), o.Threads);
            long loaded = Rss("VmRSS");
            var rows = new List<(int Batch, double Seconds, double[] All, long Peak)>();
            foreach (int b in o.Batches)
            {
                var clips = Enumerable.Range(0, b).Select(i => new TrackClip($"clip{i}", video.Pixels.Skip(i * o.Frames).Take(o.Frames).ToArray())).ToArray();
                var batch = new ClipBatch(video.Width, video.Height, clips);
                ResetPeak();
                var seconds = new List<double>();
                for (int round = -1; round < o.Repeats; round++)
                {
                    var clock = Stopwatch.StartNew();
                    await tracker.TrackAsync(batch, QuerySpec.Grid(o.Grid), ct);
                    if (round >= 0) seconds.Add(clock.Elapsed.TotalSeconds);
                }

                rows.Add((b, BenchSupport.Median(seconds), [.. seconds.Order()], Rss("VmHWM")));
            }

            var inv = CultureInfo.InvariantCulture;
            var report = new StringBuilder();
            report.AppendLine(inv, $"Input: {file} → {video.Width}×{video.Height} (resized to 512×384 inside), {o.Frames} frames per clip, {o.Grid}×{o.Grid} grid; " +
                                   $"{tracker.Identity.Key}, device {tracker.Device}, {o.Threads} LibTorch threads, {Environment.ProcessorCount} cores; " +
                                   $"median of {o.Repeats} rounds after 1 warm-up; RSS after loading the model {Mb(loaded)} MB.");
            report.AppendLine();
            report.AppendLine("| batch | s per batch, median [min–max] | clips/s | peak RSS (MB) |");
            report.AppendLine("|---:|---|---:|---:|");
            foreach (var (b, s, all, peak) in rows)
                report.AppendLine(inv, $"| {b} | {s:0.00} [{all[0]:0.00}–{all[^1]:0.00}] | {b / s:0.000} | {Mb(peak)} |");
            Console.Write(report);
            if (o.Out is not null) await File.WriteAllTextAsync(o.Out, report.ToString(), ct);
            return 0;
        }
        finally
        {
            if (temporary is not null) File.Delete(temporary);
        }
    }

    private static string RandomWeights()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mosic-bench-cotracker-{Environment.ProcessId}.pth");
        using var model = new CoTrackerThreeOffline();
        var dict = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        using (var stream = File.Create(path))
            PyTorchPickler.PickleStateDict(stream, dict);
        return path;
    }

    // "5" resets the peak resident set size (VmHWM) to the current one (Linux ≥ 4.0).
    private static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static long Rss(string field)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static long Mb(long bytes) => bytes / (1024 * 1024);

    private static Options Parse(string[] args)
    {
        Options o = BenchSupport.ParseOptions(args, new Options(null, null, 224, 12, 16, [1, 2], 2, "cpu", 3, null), (given, name, value) => name switch
        {
            "--weights" => given with { Weights = value },
            "--file" => given with { File = value },
            "--size" => given with { Size = BenchSupport.Int(value) },
            "--frames" => given with { Frames = BenchSupport.Int(value) },
            "--grid" => given with { Grid = BenchSupport.Int(value) },
            "--batches" => given with { Batches = [.. value.Split(',').Select(BenchSupport.Int)] },
            "--threads" => given with { Threads = BenchSupport.Int(value) },
            "--device" => given with { Device = value },
            "--repeats" => given with { Repeats = BenchSupport.Int(value) },
            "--out" => given with { Out = value },
            _ => throw new ArgumentException($"unknown option {name}"),
        });

        if (o.Frames < 2 || o.Grid < 1 || o.Repeats < 1 || o.Size < 2 || o.Threads < 1 || o.Batches.Length == 0 || o.Batches.Any(b => b < 1))
            throw new ArgumentException("--frames ≥ 2, --grid ≥ 1, --repeats ≥ 1, --size ≥ 2, --threads ≥ 1, --batches ≥ 1 each");
        if (o.Device is not ("auto" or "cpu" or "cuda")) throw new ArgumentException($"--device must be auto, cpu or cuda, got {o.Device}");
        return o;
    }
}
