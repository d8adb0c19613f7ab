namespace MoSiC.Stream.Core.Options;

/// <summary>Where tracker and trainer run: <c>runtime.device</c> resolved, once per run, against what the machine has.</summary>
public enum ComputeDevice
{
    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>The first CUDA GPU.</summary>
    Cuda,
}

/// <summary>The one decision that turns <c>runtime.device</c> into a <see cref="ComputeDevice"/>.</summary>
public static class ComputeDevices
{
    /// <summary>
    /// <c>auto</c>: CUDA when a GPU is visible, else the CPU; <c>cpu</c>: the CPU, even on a GPU machine; <c>cuda</c>: the
    /// GPU, or an error naming the field when none is visible.
    /// </summary>
    /// <param name="setting"><c>runtime.device</c> (validated: auto, cpu or cuda).</param>
    /// <param name="gpuVisible">Asked only when the setting is not <c>cpu</c> (answering may load LibTorch).</param>
    /// <exception cref="InvalidOperationException"><c>cuda</c> was asked for and no GPU is visible.</exception>
    public static ComputeDevice Resolve(string setting, Func<bool> gpuVisible)
    {
        ArgumentNullException.ThrowIfNull(gpuVisible);
        return setting switch
        {
            "cpu" => ComputeDevice.Cpu,
            "cuda" when gpuVisible() => ComputeDevice.Cuda,
            "cuda" => throw new InvalidOperationException(
                "runtime.device is \"cuda\" but TorchSharp sees no CUDA device: this build references the CPU LibTorch package " +
                "(see README section \"CoTracker3 on a GPU\" for the CUDA one) or no driver/GPU is visible; set runtime.device to \"auto\" or \"cpu\""),
            "auto" => gpuVisible() ? ComputeDevice.Cuda : ComputeDevice.Cpu,
            _ => throw new ArgumentException($"runtime.device must be one of auto, cpu, cuda, got \"{setting}\"", nameof(setting)),
        };
    }

    /// <summary>The lower-case name used in logs and reports (<c>cpu</c>, <c>cuda</c>).</summary>
    public static string Name(this ComputeDevice device) => device == ComputeDevice.Cuda ? "cuda" : "cpu";
}
