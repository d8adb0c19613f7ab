using System.Diagnostics;
using System.Globalization;
using System.Text;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Stages.Track.LucasKanade;
using OpenCvSharp;

namespace MoSiC.Stream.Bench;

/// <summary>
/// <c>mosic-bench track</c>: point-frames/s of our LK stage against a bare loop of <c>Cv2.CalcOpticalFlowPyrLK</c> on the
/// same frames and points (gray conversion, then forward and backward LK per frame pair, chained), and the stage's
/// scaling from 1 to 2 threads. Variants run interleaved, round by round, in one process.
/// </summary>
internal static class TrackBench
{
    public const string Usage =
        """
        usage: mosic-bench track [--file F] [--size S] [--clips B] [--frames T] [--grid G] [--repeats N] [--out results.md]

          --file F     video to cut clips from (default: ../shared/data/real/sam2_gallery_dog/video.mp4)
          --size S     frames stretched to S x S, as MoSiC's input (default 224; 0 = native size)
          --clips B    clips per batch, cut at different starts (default 4)
          --frames T   frames per clip (default 12)
          --grid G     G x G query grid (default 16)
          --repeats N  timed rounds (default 7), after one warm-up round
          --out FILE   also write the Markdown report to FILE
        """;

    private sealed record Options(string? File, int Size, int Clips, int Frames, int Grid, int Repeats, string? Out);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (!BenchSupport.TryParse("track", Usage, () => Parse(args), out Options o)) return 2;

        string file = o.File ?? Path.Combine(BenchSupport.RepositoryRoot() ?? ".", "..", "shared", "data", "real", "sam2_gallery_dog", "video.mp4");
        var decode = o.Size == 0 ? new DecodeOptions() : new DecodeOptions { Resize = ResizeMode.Stretch, Width = o.Size, Height = o.Size };
        using DecodedVideo video = await DecodedVideo.LoadAsync(VideoSource.FromFile(file), decode, o.Clips * o.Frames, 1, ct);
        if (video.Frames.Count < o.Clips * o.Frames) throw new InvalidOperationException($"{file}: {video.Frames.Count} frames, need {o.Clips * o.Frames}");

        // Clips back to back, so every variant tracks the same B·T frames.
        var clips = Enumerable.Range(0, o.Clips)
            .Select(b => new TrackClip($"clip{b}", video.Pixels.Skip(b * o.Frames).Take(o.Frames).ToArray())).ToArray();
        var batch = new ClipBatch(video.Width, video.Height, clips);
        var lk = new LucasKanadeOptions();
        TrackQuery[] grid = QueryGrid.Points(o.Grid, video.Width, video.Height);
        double pointFrames = (double)o.Clips * grid.Length * (o.Frames - 1);

        await using var oursNoRefind1 = new LucasKanadeTracker(lk with { Refind = false }, 1);
        await using var ours1 = new LucasKanadeTracker(lk, 1);
        await using var ours2 = new LucasKanadeTracker(lk, 2);
        var variants = new (string Name, Func<Task> Run)[]
        {
            ("bare", () => { Cv2.SetNumThreads(1); Bare(batch, grid, lk); return Task.CompletedTask; }),
            ("ours, re-find off, 1 thread", () => oursNoRefind1.TrackAsync(batch, QuerySpec.Grid(o.Grid), ct).AsTask()),
            ("ours, 1 thread", () => ours1.TrackAsync(batch, QuerySpec.Grid(o.Grid), ct).AsTask()),
            ("ours, 2 threads", () => ours2.TrackAsync(batch, QuerySpec.Grid(o.Grid), ct).AsTask()),
        };

        var seconds = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (int round = -1; round < o.Repeats; round++)
        {
            foreach (var (name, run) in variants)
            {
                var clock = Stopwatch.StartNew();
                await run();
                if (round >= 0) seconds[name].Add(clock.Elapsed.TotalSeconds);
            }
        }

        double Rate(string name) => pointFrames / BenchSupport.Median(seconds[name]);
        double[] Ratios(string name, string over) =>
            seconds[name].Zip(seconds[over], (a, b) => b / a).Order().ToArray();

        var report = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        report.AppendLine(inv, $"Input: {file} → {video.Width}×{video.Height}, {o.Clips} clips × {o.Frames} frames, {o.Grid}×{o.Grid} = {grid.Length} points; " +
                               $"{pointFrames:0} point-frames per round; OpenCV {Cv2.GetVersionString()}; median of {o.Repeats} interleaved rounds after 1 warm-up.");
        report.AppendLine();
        report.AppendLine("| variant | point-frames/s | vs bare | round-by-round vs bare, median [min–max] |");
        report.AppendLine("|---|---:|---:|---|");
        foreach (var (name, _) in variants)
        {
            double[] r = Ratios(name, "bare");
            report.AppendLine(inv, $"| {name} | {Rate(name):0} | {Rate(name) / Rate("bare"):0.00} | {BenchSupport.Median(r):0.00} [{r[0]:0.00}–{r[^1]:0.00}] |");
        }

        double[] scaling = Ratios("ours, 2 threads", "ours, 1 thread");
        report.AppendLine();
        report.AppendLine(inv, $"Scaling, ours 2 threads / 1 thread: {Rate("ours, 2 threads") / Rate("ours, 1 thread"):0.00}× (round by round {BenchSupport.Median(scaling):0.00} [{scaling[0]:0.00}–{scaling[^1]:0.00}]).");
        Console.Write(report);
        if (o.Out is not null) await File.WriteAllTextAsync(o.Out, report.ToString(), ct);
        return 0;
    }

    /// <summary>The bare loop: what anyone would write with OpenCV alone, doing the same LK work as the stage minus its bookkeeping.</summary>
    private static void Bare(ClipBatch batch, TrackQuery[] grid, LucasKanadeOptions lk)
    {
        var window = new Size(lk.Window, lk.Window);
        var criteria = new TermCriteria(CriteriaTypes.Count | CriteriaTypes.Eps, lk.Iterations, lk.Epsilon);
        foreach (TrackClip clip in batch.Clips)
        {
            Mat[] gray = clip.Frames.Select(f => GrayFrame.FromRgb(f, batch.Width, batch.Height)).ToArray();
            Point2f[] points = grid.Select(q => new Point2f(q.X, q.Y)).ToArray();
            for (int t = 1; t < gray.Length; t++)
            {
                Point2f[] next = [], back = [];
                Cv2.CalcOpticalFlowPyrLK(gray[t - 1], gray[t], points, ref next, out _, out _, window, lk.Levels, criteria, OpticalFlowFlags.None, lk.MinEigenvalue);
                Cv2.CalcOpticalFlowPyrLK(gray[t], gray[t - 1], next, ref back, out _, out _, window, lk.Levels, criteria, OpticalFlowFlags.None, lk.MinEigenvalue);
                points = next;
            }

            foreach (Mat m in gray) m.Dispose();
        }
    }

    private static Options Parse(string[] args)
    {
        Options o = BenchSupport.ParseOptions(args, new Options(null, 224, 4, 12, 16, 7, null), (given, name, value) => name switch
        {
            "--file" => given with { File = value },
            "--size" => given with { Size = BenchSupport.Int(value) },
            "--clips" => given with { Clips = BenchSupport.Int(value) },
            "--frames" => given with { Frames = BenchSupport.Int(value) },
            "--grid" => given with { Grid = BenchSupport.Int(value) },
            "--repeats" => given with { Repeats = BenchSupport.Int(value) },
            "--out" => given with { Out = value },
            _ => throw new ArgumentException($"unknown option {name}"),
        });

        if (o.Clips < 1 || o.Frames < 2 || o.Grid < 1 || o.Repeats < 1 || o.Size < 0) throw new ArgumentException("--clips ≥ 1, --frames ≥ 2, --grid ≥ 1, --repeats ≥ 1, --size ≥ 0");
        return o;
    }
}
