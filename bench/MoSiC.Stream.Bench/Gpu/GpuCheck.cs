using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.CoTracker;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MoSiC.Stream.Bench.Gpu;

/// <summary>
/// <c>mosic-bench gpu-check</c>: the first-light check of issue #18, run on a lent GPU by <c>scripts/gpu/check.sh</c>
/// (and on the CPU at small sizes by <c>check.sh --dry-run</c>, which the suite runs). Sections, in order: the card's
/// matmul ceilings, GPU-vs-CPU parity with TF32 off, the CoTracker3 stage per batch size, the trainer step, and
/// <c>mosic-stream track</c> end to end. Writes <c>gpu-check.json</c> (schema in docs/gpu.md) and <c>gpu-check.txt</c>
/// after every section. <c>--probe</c> only says whether TorchSharp reaches the device (check.sh uses it to pick a route).
/// </summary>
internal static class GpuCheck
{
    public const string Usage =
        """
        usage: mosic-bench gpu-check --out DIR [--device cuda|cpu|auto] [--dry-run] [--route NAME] [--only S,S] [--work DIR]
               mosic-bench gpu-check --probe [--device cuda|cpu|auto]

          --out DIR     where gpu-check.json and gpu-check.txt go (created)
          --device D    where the "GPU" side runs (default cuda; the dry run's default is cpu)
          --dry-run     the same sections at small sizes (GpuCheckSizes.DryRun), for a CPU
          --route NAME  how check.sh made TorchSharp reach LibTorch, recorded in the report
          --only L      sections to run, comma-separated: matmul, parity, cotracker, trainer, track (default all)
          --work DIR    scratch space: random weights, the frame-folder corpus, the track run (default: a temp folder)
          --probe       load LibTorch, require the device, run one product there and against the CPU; print one JSON line
        """;

    private static readonly string[] AllSections = ["matmul", "parity", "cotracker", "trainer", "track"];

    private sealed record Options(string? Out, string? Device, bool DryRun, string? Route, string[] Only, string? Work, bool Probe);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (!BenchSupport.TryParse("gpu-check", Usage, () => Parse(args), out Options o)) return 2;
        string setting = o.Device ?? (o.DryRun ? "cpu" : "cuda");
        if (o.Probe) return Probe(setting);

        TorchRuntime.EnsureLoaded();
        ComputeDevice device = ComputeDevices.Resolve(setting, TorchRuntime.CudaVisible);
        GpuCheckSizes sizes = o.DryRun ? GpuCheckSizes.DryRun : GpuCheckSizes.Device;
        // The CPU side of parity and the stage's host work get every core of the device machine; the dry run one thread
        // (its many small ops on two shared cores spend more time in the thread pool's barriers than in work).
        TorchRuntime.SetThreads(o.DryRun ? 1 : Math.Max(1, Environment.ProcessorCount));
        string outDir = Path.GetFullPath(o.Out!);
        Directory.CreateDirectory(outDir);
        string work = o.Work is not null ? Path.GetFullPath(o.Work) : Path.Combine(Path.GetTempPath(), $"mosic-gpu-check-{Environment.ProcessId}");
        Directory.CreateDirectory(work);

        var report = new GpuReport
        {
            Started = Now(),
            DryRun = o.DryRun,
            Route = o.Route,
            Environment = Describe(device),
        };
        Write(report, outDir);

        string weights = Path.Combine(work, "cotracker3-random.pth");
        var throughput = new Throughput(device, sizes);
        await Section(report, outDir, o.Only, "matmul", () => { report.Matmul.AddRange(throughput.Matmul()); return Task.FromResult<string?>(null); });
        await Section(report, outDir, o.Only, "parity", () =>
        {
            report.Parity = new ParityChecks(device.ToTorch(), sizes).Run();
            int failed = report.Parity.Checks.Count(c => c.Gate && !c.Passed);
            return Task.FromResult(failed == 0 ? null : $"{failed} gated checks over tolerance");
        });
        await Section(report, outDir, o.Only, "cotracker", async () =>
        {
            WriteRandomCoTrackerWeights(weights);
            report.Cotracker = await throughput.CoTrackerAsync(weights, ct);
            return null;
        });
        await Section(report, outDir, o.Only, "trainer", () => { report.Trainer = throughput.Trainer(report.Matmul); return Task.FromResult<string?>(null); });
        await Section(report, outDir, o.Only, "track", async () =>
        {
            if (!File.Exists(weights)) WriteRandomCoTrackerWeights(weights);
            report.Track = await TrackRun.RunAsync(work, device, sizes, weights, ct);
            return report.Track.Status == "ok" ? null : report.Track.Detail;
        }, blocked: () => report.Track?.Status == "blocked");

        report.Finished = Now();
        Write(report, outDir);
        Console.Write(GpuCheckSummary.Text(report));
        bool failedAny = report.Sections.Any(s => s.Status == "failed") || report.Parity is { Passed: false };
        return failedAny ? 1 : 0;
    }

    // One section: timed, its failure recorded (not thrown), the report rewritten, so a later crash keeps what came before.
    private static async Task Section(GpuReport report, string outDir, string[] only, string name, Func<Task<string?>> run, Func<bool>? blocked = null)
    {
        if (!only.Contains(name))
        {
            report.Sections.Add(new SectionStatus(name, "skipped", 0, "not in --only"));
            return;
        }
        Console.Error.WriteLine($"gpu-check: {name} …");
        long start = Stopwatch.GetTimestamp();
        string status;
        string? detail;
        try
        {
            detail = await run();
            status = blocked?.Invoke() == true ? "blocked" : detail is null ? "ok" : "failed";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            status = "failed";
            detail = $"{e.GetType().Name}: {e.Message}";
            Console.Error.WriteLine($"gpu-check: {name} failed: {e}");
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        report.Sections.Add(new SectionStatus(name, status, seconds, detail));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gpu-check: {name} {status} in {seconds:F1} s"));
        Write(report, outDir);
    }

    /// <summary>
    /// Loads LibTorch, asks for the device, runs a 512² product there and compares it with the CPU's; prints one JSON
    /// line (<c>ok</c>, <c>device</c>, <c>gpu</c>, <c>error</c>, <c>torch_cuda_load</c>: the loader's own message when
    /// libtorch_cuda.so does not load) and exits 0 only when the device works.
    /// </summary>
    private static int Probe(string setting)
    {
        string? cudaLoad = null;
        if (setting != "cpu" && !NativeLibrary.TryLoad("libtorch_cuda.so", out _))
        {
            try
            {
                NativeLibrary.Load("libtorch_cuda.so");
            }
            catch (DllNotFoundException e)
            {
                cudaLoad = e.Message;
            }
        }
        try
        {
            TorchRuntime.EnsureLoaded();
            if (setting == "cuda" && !TorchRuntime.CudaVisible())
            {
                // TorchSharp's own account of the CUDA load (its trace of every library it tried), which is_available hides.
                try
                {
                    InitializeDeviceType(TorchSharp.DeviceType.CUDA);
                }
                catch (Exception e) when (e is InvalidOperationException or NotSupportedException or DllNotFoundException)
                {
                    cudaLoad = (cudaLoad is null ? "" : cudaLoad + " | ") + e.Message;
                }
            }
            ComputeDevice device = ComputeDevices.Resolve(setting, TorchRuntime.CudaVisible);
            if (device == ComputeDevice.Cuda)
            {
                // The TF32 switches are entry points the check needs; a shim that lacks them fails here, not mid-run.
                backends.cuda.matmul.allow_tf32 = false;
                backends.cudnn.allow_tf32 = false;
            }
            using var scope = NewDisposeScope();
            var g = new Generator(1);
            Tensor a = randn(512, 512, generator: g), b = randn(512, 512, generator: g);
            double onDevice = mm(a.to(device.ToTorch()), b.to(device.ToTorch())).cpu().abs().sum().item<float>();
            double onCpu = mm(a, b).abs().sum().item<float>();
            double rel = Math.Abs(onDevice - onCpu) / onCpu;
            bool ok = rel < 1e-4;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                ok,
                device = device.Name(),
                gpu = Nvml.Name(),
                matmul_rel_error = rel,
                error = ok ? null : $"a 512² product differs from the CPU's by {rel:E2} relative",
                torch_cuda_load = cudaLoad,
            }));
            return ok ? 0 : 1;
        }
        catch (Exception e)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { ok = false, device = setting, gpu = Nvml.Name(), error = $"{e.GetType().Name}: {e.Message}", torch_cuda_load = cudaLoad }));
            return 1;
        }
    }

    // Random CoTracker3 weights in the official file format: speed does not depend on their values.
    private static void WriteRandomCoTrackerWeights(string path)
    {
        manual_seed(17);
        using var model = new CoTrackerThreeOffline();
        var dict = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        using var stream = File.Create(path);
        PyTorchPickler.PickleStateDict(stream, dict);
    }

    private static GpuEnvironment Describe(ComputeDevice device)
    {
        var memory = Nvml.Memory();
        string torchSharp = typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
        string? libtorch = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH")?.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return new GpuEnvironment(device.Name(), Nvml.Name(), memory?.Total / (1024 * 1024), Nvml.DriverVersion(), torchSharp,
            Environment.ProcessorCount, TorchRuntime.Threads, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, libtorch);
    }

    private static void Write(GpuReport report, string outDir)
    {
        File.WriteAllText(Path.Combine(outDir, "gpu-check.json"), JsonSerializer.Serialize(report, GpuReport.Json));
        File.WriteAllText(Path.Combine(outDir, "gpu-check.txt"), GpuCheckSummary.Text(report));
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static Options Parse(string[] args)
    {
        var flags = new[] { "--dry-run", "--probe" };
        bool dry = args.Contains("--dry-run"), probe = args.Contains("--probe");
        Options o = BenchSupport.ParseOptions(args.Where(a => !flags.Contains(a)).ToArray(), new Options(null, null, dry, null, AllSections, null, probe),
            (given, name, value) => name switch
            {
                "--out" => given with { Out = value },
                "--device" => given with { Device = value },
                "--route" => given with { Route = value },
                "--only" => given with { Only = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--work" => given with { Work = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            });
        if (!o.Probe && o.Out is null) throw new ArgumentException("--out is required");
        if (o.Device is not (null or "auto" or "cpu" or "cuda")) throw new ArgumentException($"--device must be auto, cpu or cuda, got {o.Device}");
        if (o.Only.FirstOrDefault(s => !AllSections.Contains(s)) is { } unknown)
            throw new ArgumentException($"--only: unknown section {unknown} (known: {string.Join(", ", AllSections)})");
        return o;
    }
}
