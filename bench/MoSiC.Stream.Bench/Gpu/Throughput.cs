using System.Diagnostics;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Stages.Track.CoTracker;
using MoSiC.Stream.Synthetic;
using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Bench.Gpu;

/// <summary>
/// The timed sections of the GPU check: the card's matmul ceilings, the CoTracker3 stage per batch size and the
/// trainer step, each with TF32 off and on (on a GPU; the CPU has no TF32). Every time is taken around a device
/// synchronisation, after warm-up, as the median of several rounds (../.library's METHOD.md: random data, never zeros).
/// </summary>
internal sealed class Throughput(ComputeDevice device, GpuCheckSizes sizes)
{
    private readonly Device _torch = device.ToTorch();

    private bool OnGpu => device == ComputeDevice.Cuda;

    /// <summary>TF32 settings to time: off and on for a GPU, off alone for the CPU.</summary>
    private bool[] Tf32Settings => OnGpu ? [false, true] : [false];

    /// <summary>n×n @ n×n in float32 (TF32 off, then on) and bfloat16: the ceilings MFU is measured against.</summary>
    public List<MatmulRate> Matmul()
    {
        var rates = new List<MatmulRate>();
        foreach (bool tf32 in Tf32Settings)
            rates.Add(new MatmulRate("float32", tf32, sizes.MatmulN, sizes.MatmulRepeats, WithTf32(tf32, () => MatmulTflops(ScalarType.Float32))));
        rates.Add(new MatmulRate("bfloat16", false, sizes.MatmulN, sizes.MatmulRepeats, WithTf32(false, () => MatmulTflops(ScalarType.BFloat16))));
        return rates;
    }

    private double MatmulTflops(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        int n = sizes.MatmulN;
        // Two operand sets, alternated, so no product reads what the previous one left in L2.
        var g = new Generator(3);
        Tensor[] a = [randn(n, n, generator: g).to(dtype).to(_torch), randn(n, n, generator: g).to(dtype).to(_torch)];
        Tensor[] b = [randn(n, n, generator: g).to(dtype).to(_torch), randn(n, n, generator: g).to(dtype).to(_torch)];
        for (int i = 0; i < 3; i++)
            using (mm(a[i % 2], b[i % 2])) { }
        var seconds = new List<double>();
        for (int i = 0; i < sizes.MatmulRepeats; i++)
        {
            Sync();
            long start = Stopwatch.GetTimestamp();
            using (mm(a[i % 2], b[i % 2])) { }
            Sync();
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return 2.0 * n * n * n / BenchSupport.Median(seconds) / 1e12;
    }

    /// <summary>
    /// The <c>cotracker3-offline</c> stage as the graph calls it (<see cref="CoTrackerTracker.TrackAsync"/>: pixels to the
    /// device, resize to 384×512, grid queries, 6 iterations, results back), random weights, synthetic-corpus frames.
    /// </summary>
    public async Task<CoTrackerThroughput> CoTrackerAsync(string weights, CancellationToken ct)
    {
        int most = sizes.CoTrackerBatches.Max();
        byte[][] frames = SyntheticFrames(most * sizes.CoTrackerFrames, sizes.CoTrackerSize, seed: 3);
        var rows = new List<CoTrackerRow>();
        await using var tracker = new CoTrackerTracker(weights, device, TorchRuntime.Threads);
        foreach (bool tf32 in Tf32Settings)
        {
            foreach (int batchSize in sizes.CoTrackerBatches)
            {
                var clips = Enumerable.Range(0, batchSize)
                    .Select(i => new TrackClip($"clip{i}", frames.Skip(i * sizes.CoTrackerFrames).Take(sizes.CoTrackerFrames).Select(f => (ReadOnlyMemory<byte>)f).ToArray()))
                    .ToArray();
                var batch = new ClipBatch(sizes.CoTrackerSize, sizes.CoTrackerSize, clips);
                var seconds = new List<double>();
                SetTf32(tf32);
                for (int round = -1; round < sizes.CoTrackerRepeats; round++)
                {
                    long start = Stopwatch.GetTimestamp();
                    // TrackAsync returns host arrays, so the device has finished when it returns.
                    await tracker.TrackAsync(batch, QuerySpec.Grid(sizes.CoTrackerGrid), ct);
                    if (round >= 0) seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
                double median = BenchSupport.Median(seconds);
                rows.Add(new CoTrackerRow(batchSize, tf32, median, seconds.Min(), seconds.Max(), batchSize / median, UsedMib()));
            }
        }
        SetTf32(false);
        return new CoTrackerThroughput(sizes.CoTrackerFrames, sizes.CoTrackerSize, sizes.CoTrackerGrid, sizes.CoTrackerRepeats, rows,
            "not run: TorchSharp 0.107.0 has no autocast API, and the CoTracker3 port computes in float32 throughout " +
            "(the predictor converts the video to float32; no half-precision path exists in src/Model/CoTracker)");
    }

    /// <summary>
    /// The MoSiC step (<see cref="MosicTrainer.Step"/>) at the paper's setting, random init, random frames and tracks:
    /// median step time, the step's ViT FLOPs over it, and that rate over each measured matmul ceiling (MFU).
    /// </summary>
    public TrainerThroughput Trainer(IReadOnlyList<MatmulRate> ceilings)
    {
        var options = new MosicTrainerOptions
        {
            Vit = sizes.TrainerModel with { ImageSize = sizes.TrainerSize },
            TotalSteps = 2 * (sizes.TrainerSteps + 1) + 1,
        };
        var (forward, backward) = TrainStepFlops.Of(options, sizes.TrainerBatch, sizes.TrainerFrames, sizes.TrainerSize);
        double flops = forward + backward;
        using var trainer = new MosicTrainer(options, _torch);
        using var batch = RandomBatch();
        var rows = new List<TrainerRow>();
        double? Ceiling(string dtype, bool tf32) => ceilings.FirstOrDefault(c => c.Dtype == dtype && c.Tf32 == tf32)?.Tflops;
        foreach (bool tf32 in Tf32Settings)
        {
            SetTf32(tf32);
            trainer.Step(batch);
            var timings = new StepTimings();
            var seconds = new List<double>();
            for (int i = 0; i < sizes.TrainerSteps; i++)
            {
                long start = Stopwatch.GetTimestamp();
                trainer.Step(batch, timings);
                seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            double median = BenchSupport.Median(seconds);
            double achieved = flops / median / 1e12;
            var phases = Enum.GetValues<TrainPhase>().ToDictionary(p => p.ToString(), p => timings[p].TotalMilliseconds / sizes.TrainerSteps);
            rows.Add(new TrainerRow(tf32, median, phases, achieved,
                Ratio(achieved, Ceiling("float32", false)), Ratio(achieved, Ceiling("float32", true)), Ratio(achieved, Ceiling("bfloat16", false)), UsedMib()));
        }
        SetTf32(false);
        return new TrainerThroughput(options.Vit.Name, sizes.TrainerBatch, sizes.TrainerFrames, sizes.TrainerSize, sizes.TrainerPoints,
            sizes.TrainerSteps, flops / 1e9, rows);
    }

    /// <summary>Frames of a synthetic-corpus scene (moving textured objects over a panning background), RGB24, side × side.</summary>
    internal static byte[][] SyntheticFrames(int count, int side, int seed)
    {
        var options = new SynthOptions { Frames = count, Width = side, Height = side };
        var scene = SceneBuilder.Build(options, new Random(seed));
        var labels = new byte[side * side];
        return Enumerable.Range(0, count).Select(t =>
        {
            var rgb = new byte[side * side * 3];
            FrameRenderer.Render(scene, t, rgb, labels);
            return rgb;
        }).ToArray();
    }

    private TrainBatch RandomBatch()
    {
        var g = new Generator(7);
        int b = sizes.TrainerBatch, t = sizes.TrainerFrames, s = sizes.TrainerSize, n = sizes.TrainerPoints;
        return new TrainBatch(
            randn(new long[] { b, t, 3, s, s }, generator: g),
            rand(new long[] { b, t, n, 2 }, generator: g).mul_(s - 1),
            ones(new long[] { b, t, n }, ScalarType.Bool));
    }

    private static double? Ratio(double achieved, double? ceiling) => ceiling is > 0 ? achieved / ceiling : null;

    private T WithTf32<T>(bool tf32, Func<T> run)
    {
        SetTf32(tf32);
        try
        {
            return run();
        }
        finally
        {
            SetTf32(false);
        }
    }

    private void SetTf32(bool on)
    {
        if (!OnGpu) return;
        backends.cuda.matmul.allow_tf32 = on;
        backends.cudnn.allow_tf32 = on;
    }

    private void Sync()
    {
        if (OnGpu) cuda.synchronize();
    }

    private static long? UsedMib() => Nvml.Memory() is { } m ? m.Used / (1024 * 1024) : null;
}
