using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Train;

/// <summary>
/// Wall time per <see cref="TrainPhase"/>, summed over the steps it is passed to. On CUDA each lap synchronises the
/// device first, so a phase is charged for its own kernels and not for those queued before it.
/// </summary>
public sealed class StepTimings
{
    private readonly TimeSpan[] _phases = new TimeSpan[Enum.GetValues<TrainPhase>().Length];
    private long _mark;

    /// <summary>Time spent in <paramref name="phase"/>.</summary>
    /// <param name="phase">Which part of the step.</param>
    public TimeSpan this[TrainPhase phase] => _phases[(int)phase];

    /// <summary>Sum over all phases.</summary>
    public TimeSpan Total => _phases.Aggregate(TimeSpan.Zero, (a, b) => a + b);

    /// <summary>Sets every phase back to zero.</summary>
    public void Clear() => Array.Clear(_phases);

    // Starts the clock at the top of a step.
    internal void Start(Device device)
    {
        Sync(device);
        _mark = Stopwatch.GetTimestamp();
    }

    // Charges the time since the last mark to the phase just finished.
    internal void Lap(TrainPhase phase, Device device)
    {
        Sync(device);
        long now = Stopwatch.GetTimestamp();
        _phases[(int)phase] += Stopwatch.GetElapsedTime(_mark, now);
        _mark = now;
    }

    private static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}
