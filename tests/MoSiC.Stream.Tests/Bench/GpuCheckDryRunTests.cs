using System.Diagnostics;
using System.Text.Json;
using MoSiC.Stream.Tests.Support;
using Xunit.Abstractions;

namespace MoSiC.Stream.Tests.Bench;

/// <summary>
/// <c>scripts/gpu/check.sh --dry-run</c>, the prepared GPU check of issue #18 run on the CPU at small sizes (docs/gpu.md):
/// every section runs and the report keeps its documented schema. The app is mosic-bench's build output without
/// LibTorch's and OpenCV's natives, as bundle.sh publishes it, so the script must take route a (TorchSharp's NuGet shim
/// against a LibTorch on LD_LIBRARY_PATH, here the NuGet cache's CPU one), as it will on the device with PyTorch's.
/// </summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public class GpuCheckDryRunTests(ITestOutputHelper output)
{
    // The report's field names, object by object (docs/gpu.md "gpu-check.json"); renaming one needs a new schema version.
    private static readonly string[] TopLevel = ["schema", "started", "finished", "dry_run", "route", "environment", "sections", "matmul", "parity", "cotracker", "trainer", "track"];
    private static readonly string[] EnvironmentKeys = ["device", "gpu_name", "gpu_memory_total_mib", "driver", "torch_sharp", "cpu_cores", "torch_threads", "os", "dotnet", "libtorch_dir"];
    private static readonly string[] SectionKeys = ["name", "status", "seconds", "detail"];
    private static readonly string[] MatmulKeys = ["dtype", "tf32", "n", "repeats", "tflops"];
    private static readonly string[] ParityKeys = ["passed", "tf32", "checks"];
    private static readonly string[] CheckKeys = ["name", "kind", "error", "tolerance", "passed", "gate", "max_abs_reference"];
    private static readonly string[] CotrackerKeys = ["frames", "size", "grid", "repeats", "rows", "autocast"];
    private static readonly string[] CotrackerRowKeys = ["batch", "tf32", "seconds_median", "seconds_min", "seconds_max", "clips_per_second", "gpu_memory_used_mib"];
    private static readonly string[] TrainerKeys = ["model", "batch", "frames", "size", "points", "steps", "vit_gflop_per_step", "rows"];
    private static readonly string[] TrainerRowKeys = ["tf32", "step_seconds_median", "phase_ms", "achieved_tflops", "mfu_vs_fp32", "mfu_vs_tf32", "mfu_vs_bf16", "gpu_memory_used_mib"];
    private static readonly string[] TrackKeys = ["status", "detail", "exit_code", "seconds", "videos", "frames_per_video", "device", "clips_tracked", "track_busy_fraction", "bottleneck"];

    [Fact]
    public void DryRunTakesRouteAAndReportsEverySectionInTheDocumentedSchema()
    {
        using var temp = new TempDir();
        string app = AppWithoutLibTorch(temp.File("app"));
        string outDir = temp.File("out");

        var (code, log) = Run(Path.Combine(RepoPaths.Root, "scripts", "gpu", "check.sh"),
            "--dry-run", "--app", app, "--out", outDir, "--work", temp.File("work"), "--budget", "900");
        output.WriteLine(log);
        Assert.True(code == 0, $"check.sh --dry-run exited {code}");

        string route = File.ReadAllText(Path.Combine(outDir, "route.txt"));
        Assert.Contains("route a (NuGet shim", route);
        Assert.Contains(": 0 undefined symbols", route);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "gpu-check.json")));
        JsonElement r = doc.RootElement;
        AssertKeys(r, TopLevel);
        Assert.Equal("mosic-gpu-check/1", r.GetProperty("schema").GetString());
        Assert.True(r.GetProperty("dry_run").GetBoolean());
        Assert.Equal("a:nuget-shim", r.GetProperty("route").GetString());
        AssertKeys(r.GetProperty("environment"), EnvironmentKeys);
        Assert.Equal("cpu", r.GetProperty("environment").GetProperty("device").GetString());

        var sections = r.GetProperty("sections").EnumerateArray().ToList();
        sections.ForEach(s => AssertKeys(s, SectionKeys));
        Assert.Equal(["matmul", "parity", "cotracker", "trainer", "track"], sections.Select(s => s.GetProperty("name").GetString()!));
        Assert.All(sections, s => Assert.True(s.GetProperty("status").GetString() == "ok", $"{s.GetProperty("name")}: {s.GetProperty("status")} {s.GetProperty("detail")}"));

        var matmul = r.GetProperty("matmul").EnumerateArray().ToList();
        matmul.ForEach(m => AssertKeys(m, MatmulKeys));
        Assert.Equal(["float32", "bfloat16"], matmul.Select(m => m.GetProperty("dtype").GetString()!));
        Assert.All(matmul, m => Assert.True(m.GetProperty("tflops").GetDouble() > 0));

        JsonElement parity = r.GetProperty("parity");
        AssertKeys(parity, ParityKeys);
        Assert.True(parity.GetProperty("passed").GetBoolean());
        var checks = parity.GetProperty("checks").EnumerateArray().ToList();
        checks.ForEach(c => AssertKeys(c, CheckKeys));
        foreach (string family in new[] { "dinov2.fixture.", "dinov2.fixture_nonsquare.", "mosic.sinkhorn.", "mosic.loss_", "mosic.grad_student_scores_", "cotracker3.", "trainer." })
            Assert.Contains(checks, c => c.GetProperty("name").GetString()!.StartsWith(family, StringComparison.Ordinal));
        // The "GPU" of a dry run is the CPU: the same kernels on the same inputs give the same numbers.
        Assert.All(checks, c => Assert.True(c.GetProperty("error").GetDouble() == 0, $"{c.GetProperty("name")}: {c.GetProperty("error")}"));

        JsonElement cotracker = r.GetProperty("cotracker");
        AssertKeys(cotracker, CotrackerKeys);
        var rows = cotracker.GetProperty("rows").EnumerateArray().ToList();
        rows.ForEach(row => AssertKeys(row, CotrackerRowKeys));
        Assert.All(rows, row => Assert.True(row.GetProperty("clips_per_second").GetDouble() > 0));
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("gpu_memory_used_mib").ValueKind);

        JsonElement trainer = r.GetProperty("trainer");
        AssertKeys(trainer, TrainerKeys);
        Assert.True(trainer.GetProperty("vit_gflop_per_step").GetDouble() > 0);
        var trainerRows = trainer.GetProperty("rows").EnumerateArray().ToList();
        trainerRows.ForEach(row => AssertKeys(row, TrainerRowKeys));
        Assert.All(trainerRows, row => Assert.True(row.GetProperty("achieved_tflops").GetDouble() > 0));

        JsonElement track = r.GetProperty("track");
        AssertKeys(track, TrackKeys);
        Assert.Equal("ok", track.GetProperty("status").GetString());
        Assert.True(track.GetProperty("clips_tracked").GetInt64() >= 1);
        double busy = track.GetProperty("track_busy_fraction").GetDouble();
        Assert.InRange(busy, double.Epsilon, 1.0);

        // What comes back from the device: at most 8 files, the report among them.
        var files = Directory.GetFiles(outDir).Select(Path.GetFileName).ToList();
        Assert.InRange(files.Count, 1, 8);
        Assert.Contains("gpu-check.txt", files);
        Assert.Contains("track-profile.json", files);
    }

    private static void AssertKeys(JsonElement element, string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

    // mosic-bench's build output (the solution builds it beside the tests) copied without the files the LibTorch CPU
    // package and OpenCV's runtime put there: what bundle.sh's -p:MoSiCLibTorch=none -p:MoSiCOpenCvRuntime=none publish holds.
    private static string AppWithoutLibTorch(string target)
    {
        string tail = Path.GetRelativePath(Path.Combine(RepoPaths.Root, "tests", "MoSiC.Stream.Tests"), AppContext.BaseDirectory);
        string bench = Path.GetFullPath(Path.Combine(RepoPaths.Root, "bench", "MoSiC.Stream.Bench", tail));
        Assert.True(File.Exists(Path.Combine(bench, "mosic-bench")), $"{bench} has no mosic-bench: build the solution (dotnet build MoSiC.Stream.sln -c Release) first");
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(bench))
        {
            string name = Path.GetFileName(file);
            bool libtorch = name.StartsWith("libtorch", StringComparison.Ordinal) || name.StartsWith("libc10", StringComparison.Ordinal) ||
                            name.StartsWith("libgomp", StringComparison.Ordinal) || name is "libshm.so" or "libjitbackend_test.so" or "libnnapi_backend.so" or "libbackend_with_compiler.so" or "libaoti_custom_ops.so";
            if (libtorch || name == "libOpenCvSharpExtern.so") continue;
            File.Copy(file, Path.Combine(target, name));
        }
        return target;
    }

    private static (int Code, string Log) Run(string script, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        info.ArgumentList.Add(script);
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(15)), "check.sh --dry-run did not finish in 15 minutes");
        return (process.ExitCode, stdout + stderr.Result);
    }
}
