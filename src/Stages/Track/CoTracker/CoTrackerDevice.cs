using MoSiC.Stream.Model;
using static TorchSharp.torch;

namespace MoSiC.Stream.Stages.Track.CoTracker;

/// <summary>Where a learned tracker runs, from <c>runtime.device</c> and what TorchSharp sees.</summary>
public static class CoTrackerDevice
{
    /// <summary>
    /// <c>auto</c>: CUDA when TorchSharp sees a GPU (the CUDA LibTorch package is referenced and a driver is there),
    /// the CPU otherwise; <c>cpu</c>: the CPU; <c>cuda</c>: the first GPU, or an error when there is none.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>cuda</c> was asked for and TorchSharp sees no GPU.</exception>
    public static Device Resolve(string setting)
    {
        TorchRuntime.EnsureLoaded();
        bool gpu = cuda.is_available();
        return setting switch
        {
            "cpu" => CPU,
            "cuda" when gpu => CUDA,
            "cuda" => throw new InvalidOperationException(
                "runtime.device is \"cuda\" but TorchSharp sees no CUDA device: this build references the CPU LibTorch package " +
                "(see README section \"CoTracker3 on a GPU\" for the CUDA one) or no driver/GPU is visible; set runtime.device to \"auto\" or \"cpu\""),
            _ => gpu ? CUDA : CPU,
        };
    }
}
