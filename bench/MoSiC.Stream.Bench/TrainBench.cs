using System.Diagnostics;
using System.Globalization;
using System.Text;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Bench;

/// <summary>
/// <c>mosic-bench train</c>: where a MoSiC training step's time goes (randomly initialised ViT, synthetic frames and
/// tracks), the share of it that is MoSiC's own work rather than the backbone and optimiser every fine-tune pays,
/// and the step's ViT FLOP/s against a large sgemm through the same LibTorch on the same threads.
/// </summary>
internal static class TrainBench
{
    public const string Usage =
        """
        usage: mosic-bench train [--model M] [--batch B] [--frames T] [--size S] [--points N] [--steps K] [--gemm G] [--out results.md]

          --model M    ViT configuration, random init (default tiny; vits14, vitb14, ...)
          --batch B    clips per step (default 2)
          --frames T   frames per clip (default 12)
          --size S     frame side in pixels (default 224)
          --points N   tracked points per frame (default 256)
          --steps K    timed steps (default 3), after one warm-up step
          --gemm G     side of the square float32 matmul used as the machine's rate (default 2048)
          --out FILE   also write the Markdown report to FILE
        """;

    private sealed record Options(string Model, int Batch, int Frames, int Size, int Points, int Steps, int Gemm, string? Out);

    public static int Run(string[] args)
    {
        if (!BenchSupport.TryParse("train", Usage, () => Parse(args), out Options o)) return 2;

        var options = new MosicTrainerOptions
        {
            Vit = VitConfig.FromName(o.Model) with { ImageSize = o.Size },
            TotalSteps = o.Steps + 1,
        };
        using var trainer = new MosicTrainer(options, device: CPU);
        using var batch = SyntheticBatch(o);

        trainer.Step(batch);
        var timings = new StepTimings();
        var stepSeconds = new List<double>();
        for (int i = 0; i < o.Steps; i++)
        {
            var clock = Stopwatch.StartNew();
            trainer.Step(batch, timings);
            stepSeconds.Add(clock.Elapsed.TotalSeconds);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {i + 1}/{o.Steps}: {stepSeconds[^1]:F2} s"));
        }

        double gemmRate = GemmFlops(o.Gemm);
        long headParams = trainer.StudentHead.parameters().Concat(trainer.StudentPrototypes.parameters()).Sum(p => p.numel());
        double headFlops = TrainStepFlops.Heads(headParams, (long)o.Batch * o.Frames * o.Points, options.Objective.Direction == Model.Objective.LossDirection.Reference ? 1.0 / o.Frames : 1.0);
        string report = Report(o, options, timings, stepSeconds, gemmRate, headFlops);
        Console.Write(report);
        if (o.Out is not null) File.WriteAllText(o.Out, report);
        return 0;
    }

    private static string Report(Options o, MosicTrainerOptions options, StepTimings timings, List<double> stepSeconds, double gemmRate, double headFlops)
    {
        var inv = CultureInfo.InvariantCulture;
        double Ms(TrainPhase p) => timings[p].TotalMilliseconds / o.Steps;
        double total = timings.Total.TotalMilliseconds / o.Steps;
        var report = new StringBuilder();
        report.AppendLine(inv, $"Model {options.Vit.Name} (random init, {options.TrainableBlocks} of {options.Vit.Depth} blocks trained), {o.Batch} clips × {o.Frames} frames at {o.Size}², " +
                               $"{o.Points} points, {options.Prototypes} prototypes; CPU, {get_num_threads()} LibTorch threads; mean of {o.Steps} steps after 1 warm-up " +
                               $"(median whole step {BenchSupport.Median(stepSeconds):F2} s).");
        report.AppendLine();
        report.AppendLine("| phase | ms / step | share |");
        report.AppendLine("|---|---:|---:|");
        foreach (TrainPhase p in Enum.GetValues<TrainPhase>())
            report.AppendLine(inv, $"| {Label(p)} | {Ms(p):F1} | {Ms(p) / total:P1} |");
        double mosic = Ms(TrainPhase.TrackSampling) + Ms(TrainPhase.Objective) + Ms(TrainPhase.Ema);
        report.AppendLine(inv, $"| **total** | {total:F1} | 100% |");
        report.AppendLine(inv, $"| MoSiC-specific (sampling + objective + EMA) | {mosic:F1} | **{mosic / total:P1}** |");

        var (forward, backward) = TrainStepFlops.Of(options, o.Batch, o.Frames, o.Size);
        double backboneSeconds = (Ms(TrainPhase.BackboneForward) + Ms(TrainPhase.Backward)) / 1000;
        double stepRate = (forward + backward) / (total / 1000);
        double backboneRate = (forward + backward) / backboneSeconds;
        report.AppendLine();
        report.AppendLine("| ViT FLOPs per step | GFLOP |");
        report.AppendLine("|---|---:|");
        report.AppendLine(inv, $"| forward (teacher on all frames, student on the frames the loss reads) | {forward / 1e9:F1} |");
        report.AppendLine(inv, $"| backward (trained blocks, frames with gradient) | {backward / 1e9:F1} |");
        report.AppendLine(inv, $"| total | {(forward + backward) / 1e9:F1} |");
        report.AppendLine(inv, $"| for comparison, not in the total: heads + prototypes (teacher fwd over all points; student fwd + bwd over the points of the frames the loss reads) | {headFlops / 1e9:F1} |");
        report.AppendLine();
        report.AppendLine("| rate | GFLOP/s | of sgemm |");
        report.AppendLine("|---|---:|---:|");
        report.AppendLine(inv, $"| sgemm {o.Gemm}×{o.Gemm} @ {o.Gemm}×{o.Gemm} (same process, same threads) | {gemmRate / 1e9:F1} | 100% |");
        report.AppendLine(inv, $"| whole step (ViT FLOPs / step time) | {stepRate / 1e9:F1} | {stepRate / gemmRate:P0} |");
        report.AppendLine(inv, $"| backbone phases only (ViT FLOPs / forward + backward time) | {backboneRate / 1e9:F1} | {backboneRate / gemmRate:P0} |");
        return report.ToString();
    }

    private static string Label(TrainPhase p) => p switch
    {
        TrainPhase.BackboneForward => "backbone forward (student + teacher)",
        TrainPhase.Backward => "backward (backbone; head and sampler included)",
        TrainPhase.TrackSampling => "track sampling",
        TrainPhase.Objective => "heads + prototypes + Sinkhorn + loss",
        TrainPhase.Optimizer => "optimizer (AdamW)",
        TrainPhase.Ema => "EMA teacher update",
        _ => p.ToString(),
    };

    // Normalised-looking random frames and random in-frame points, all visible: the step's cost does not depend on content.
    private static TrainBatch SyntheticBatch(Options o)
    {
        var g = new Generator(7);
        Tensor frames = randn(new long[] { o.Batch, o.Frames, 3, o.Size, o.Size }, generator: g);
        Tensor tracks = rand(new long[] { o.Batch, o.Frames, o.Points, 2 }, generator: g).mul_(o.Size - 1);
        Tensor visible = ones(new long[] { o.Batch, o.Frames, o.Points }, ScalarType.Bool);
        return new TrainBatch(frames, tracks, visible);
    }

    // FLOP/s of a square float32 matmul: 2·n³ per product, median of 5 after a warm-up.
    private static double GemmFlops(int n)
    {
        using var scope = NewDisposeScope();
        Tensor a = randn(n, n), b = randn(n, n);
        using (mm(a, b)) { }
        var seconds = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using (mm(a, b)) { }
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / BenchSupport.Median(seconds);
    }

    private static Options Parse(string[] args)
    {
        Options o = BenchSupport.ParseOptions(args, new Options("tiny", 2, 12, 224, 256, 3, 2048, null), (given, name, value) => name switch
        {
            "--model" => given with { Model = value },
            "--batch" => given with { Batch = BenchSupport.Int(value) },
            "--frames" => given with { Frames = BenchSupport.Int(value) },
            "--size" => given with { Size = BenchSupport.Int(value) },
            "--points" => given with { Points = BenchSupport.Int(value) },
            "--steps" => given with { Steps = BenchSupport.Int(value) },
            "--gemm" => given with { Gemm = BenchSupport.Int(value) },
            "--out" => given with { Out = value },
            _ => throw new ArgumentException($"unknown option {name}"),
        });

        if (o.Batch < 1 || o.Frames < 1 || o.Size < 14 || o.Points < 1 || o.Steps < 1 || o.Gemm < 1)
            throw new ArgumentException("--batch, --frames, --points, --steps, --gemm ≥ 1; --size ≥ 14");
        VitConfig.FromName(o.Model);
        return o;
    }
}
