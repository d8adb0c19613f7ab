using System.ComponentModel;

namespace MoSiC.Stream.Core.Options;

/// <summary>How much of the machine the run may use. Two cores are shared by ffmpeg, OpenCV and LibTorch: set them deliberately.</summary>
public sealed record RuntimeOptions
{
    internal static readonly string[] Devices = ["auto", "cpu", "cuda"];

    [Description("Where tracker and trainer run: auto (CUDA when TorchSharp sees a GPU), cpu, cuda.")]
    public string Device { get; init; } = "auto";

    [Description("Threads given to each stage.")]
    public ThreadOptions Threads { get; init; } = new();

    [Description("Sizes of the buffers between stages.")]
    public BufferOptions Buffers { get; init; } = new();

    [Description("Stop the run when this many videos in a row fail: a corpus whose inputs are all broken ends with a clear message instead of a long list of failures.")]
    public int MaxConsecutiveFailures { get; init; } = 20;

    [Description("Retries of a failed cache read or write (exponential backoff with jitter from 100 ms) before it counts as failed; a full disk is never retried.")]
    public int StorageRetries { get; init; } = 4;

    internal void Validate(OptionErrors e, string path)
    {
        e.Require(Array.IndexOf(Devices, Device) >= 0, OptionErrors.Join(path, "device"), $"must be one of {string.Join(", ", Devices)}, got \"{Device}\"");
        e.Require(MaxConsecutiveFailures is >= 1 and <= 1_000_000, OptionErrors.Join(path, "maxConsecutiveFailures"), $"must be in 1..1000000, got {MaxConsecutiveFailures}");
        e.Require(StorageRetries is >= 0 and <= 20, OptionErrors.Join(path, "storageRetries"), $"must be in 0..20, got {StorageRetries}");
        Threads.Validate(e, OptionErrors.Join(path, "threads"));
        Buffers.Validate(e, OptionErrors.Join(path, "buffers"));
    }
}

/// <summary>Thread budget per stage.</summary>
public sealed record ThreadOptions
{
    [Description("Videos decoded at the same time (one ffmpeg process each).")]
    public int DecodeWorkers { get; init; } = 1;

    [Description("Threads of each ffmpeg process (-threads).")]
    public int FfmpegThreads { get; init; } = 1;

    [Description("Threads of the CPU tracker (OpenCV).")]
    public int Tracker { get; init; } = 1;

    [Description("LibTorch intra-op threads.")]
    public int Torch { get; init; } = 1;

    internal void Validate(OptionErrors e, string path)
    {
        e.Require(DecodeWorkers is >= 1 and <= 256, OptionErrors.Join(path, "decodeWorkers"), $"must be in 1..256, got {DecodeWorkers}");
        e.Require(FfmpegThreads is >= 0 and <= 256, OptionErrors.Join(path, "ffmpegThreads"), $"must be in 0..256 (0 = ffmpeg decides), got {FfmpegThreads}");
        e.Require(Tracker is >= 1 and <= 256, OptionErrors.Join(path, "tracker"), $"must be in 1..256, got {Tracker}");
        e.Require(Torch is >= 1 and <= 256, OptionErrors.Join(path, "torch"), $"must be in 1..256, got {Torch}");
    }
}

/// <summary>Bounds of the buffers between stages: in items, and for frame-carrying buffers also in bytes.</summary>
public sealed record BufferOptions
{
    [Description("Decoded clips waiting for the next stage, in clips.")]
    public int Clips { get; init; } = 8;

    [Description("Decoded frames waiting for the next stage, in megabytes of RGB24 pixels.")]
    public int FrameMegabytes { get; init; } = 512;

    internal void Validate(OptionErrors e, string path)
    {
        e.Require(Clips is >= 1 and <= 100_000, OptionErrors.Join(path, "clips"), $"must be in 1..100000, got {Clips}");
        e.Require(FrameMegabytes is >= 16 and <= 1_048_576, OptionErrors.Join(path, "frameMegabytes"), $"must be in 16..1048576, got {FrameMegabytes}");
    }
}
