using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoSiC.Stream.Bench.Gpu;

// The JSON that `mosic-bench gpu-check` writes (gpu-check.json). Schema "mosic-gpu-check/1", documented field by field
// in docs/gpu.md; a test pins the field names (tests/.../Bench/GpuCheckTests). Add fields freely; rename or remove
// one only with a new schema version. Property names are snake_case; absent measurements are null, never 0.

/// <summary>The whole report; written again after every section, so a run cut short still leaves what it measured.</summary>
internal sealed record GpuReport
{
    public const string SchemaVersion = "mosic-gpu-check/1";

    public string Schema { get; init; } = SchemaVersion;

    public required string Started { get; init; }

    public string? Finished { get; set; }

    public required bool DryRun { get; init; }

    /// <summary>How TorchSharp reached LibTorch, as check.sh found it (e.g. <c>a:nuget-shim</c>, <c>b:built-shim</c>); null when run by hand.</summary>
    public string? Route { get; init; }

    public required GpuEnvironment Environment { get; init; }

    public List<SectionStatus> Sections { get; } = [];

    public List<MatmulRate> Matmul { get; } = [];

    public ParityReport? Parity { get; set; }

    public CoTrackerThroughput? Cotracker { get; set; }

    public TrainerThroughput? Trainer { get; set; }

    public TrackEndToEnd? Track { get; set; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

/// <summary>Where it ran. <c>gpu_*</c> come from NVML and are null without a GPU.</summary>
internal sealed record GpuEnvironment(
    string Device,
    string? GpuName,
    long? GpuMemoryTotalMib,
    string? Driver,
    string TorchSharp,
    int CpuCores,
    int TorchThreads,
    string Os,
    string Dotnet,
    string? LibtorchDir);

/// <summary>One section's outcome: <c>ok</c>, <c>failed</c> (with the exception's message), <c>skipped</c> or <c>blocked</c> (with why).</summary>
internal sealed record SectionStatus(string Name, string Status, double Seconds, string? Detail);

/// <summary>Square matrix product n×n @ n×n: 2n³ / median time of <c>repeats</c> products after 3 warm-ups, on random data.</summary>
internal sealed record MatmulRate(string Dtype, bool Tf32, int N, int Repeats, double Tflops);

/// <summary>GPU against CPU with TF32 off, same seeded weights and inputs. <c>passed</c> covers the gated checks only.</summary>
internal sealed record ParityReport(bool Passed, bool Tf32, List<ParityCheck> Checks);

/// <summary>
/// One compared tensor: <c>error</c> is max |gpu − cpu| (<c>kind</c> <c>abs</c>) or max |gpu − cpu| / max |cpu|
/// (<c>kind</c> <c>rel</c>) against <c>tolerance</c>, from the golden README where <c>gate</c> is true; checks with
/// <c>gate</c> false are reported for diagnosis and do not decide <c>passed</c>.
/// </summary>
internal sealed record ParityCheck(string Name, string Kind, double Error, double Tolerance, bool Passed, bool Gate, double MaxAbsReference);

/// <summary>The <c>cotracker3-offline</c> stage (predictor: resize to 384×512, grid queries, 6 iterations) per batch size.</summary>
internal sealed record CoTrackerThroughput(int Frames, int Size, int Grid, int Repeats, List<CoTrackerRow> Rows, string Autocast);

/// <summary>
/// One batch size at one precision setting. <c>gpu_memory_used_mib</c>: the device's used memory after the row (NVML):
/// CUDA context plus everything LibTorch's caching allocator reserved so far, i.e. the running peak; null off GPU.
/// </summary>
internal sealed record CoTrackerRow(int Batch, bool Tf32, double SecondsMedian, double SecondsMin, double SecondsMax, double ClipsPerSecond, long? GpuMemoryUsedMib);

/// <summary>The MoSiC trainer step at the paper's setting (random init; cost does not depend on content).</summary>
internal sealed record TrainerThroughput(string Model, int Batch, int Frames, int Size, int Points, int Steps, double VitGflopPerStep, List<TrainerRow> Rows);

/// <summary>
/// One precision setting: median step time, ViT FLOP/s achieved over the whole step, and MFU (achieved over the
/// matmul rate measured in this run for fp32 without TF32, with TF32, and bf16).
/// </summary>
internal sealed record TrainerRow(bool Tf32, double StepSecondsMedian, Dictionary<string, double> PhaseMs, double AchievedTflops,
    double? MfuVsFp32, double? MfuVsTf32, double? MfuVsBf16, long? GpuMemoryUsedMib);

/// <summary>
/// <c>mosic-stream track</c> end to end on a frame-folder corpus the check wrote (issue #18 item 3). <c>status</c> is
/// <c>ok</c>, <c>failed</c> or <c>blocked</c> (no ffmpeg/ffprobe; <c>detail</c> says why).
/// </summary>
internal sealed record TrackEndToEnd(string Status, string? Detail, int? ExitCode, double? Seconds, int Videos, int FramesPerVideo,
    string Device, long? ClipsTracked, double? TrackBusyFraction, string? Bottleneck);
