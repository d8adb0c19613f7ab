using System.Globalization;
using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Core.Threading;

/// <summary>
/// The run's threads planned as one budget over the three native runtimes that share the cores: ffmpeg (decode
/// workers × ffmpeg threads, replay included), OpenCV (the tracker's dedicated threads: clips in parallel, each with
/// OpenCV's own threads for what is left of the tracker's share) and LibTorch (the trainer's dedicated thread, whose
/// operations use LibTorch's intra-op pool of <c>runtime.threads.torch</c>, shared with a CoTracker tracker on the CPU).
/// The .NET thread pool only moves items between stages and waits on pipes, so it is not part of the budget.
/// </summary>
/// <param name="Cores">Logical cores of the machine.</param>
/// <param name="Ffmpeg">Threads the decode workers' ffmpeg processes may run at once.</param>
/// <param name="Tracker">Dedicated tracker threads (0 when the run does not track).</param>
/// <param name="Torch">LibTorch intra-op threads (0 when nothing runs on LibTorch).</param>
public sealed record ThreadBudget(int Cores, int Ffmpeg, int Tracker, int Torch)
{
    /// <summary>The budget of a run that tracks (<paramref name="tracks"/>) and/or trains (<paramref name="torch"/>: training or a learned tracker).</summary>
    public static ThreadBudget Plan(ThreadOptions threads, bool tracks, bool torch, int? cores = null)
    {
        ArgumentNullException.ThrowIfNull(threads);
        int ffmpeg = threads.DecodeWorkers * Math.Max(1, threads.FfmpegThreads);
        return new ThreadBudget(cores ?? Environment.ProcessorCount, ffmpeg, tracks ? threads.Tracker : 0, torch ? threads.Torch : 0);
    }

    /// <summary>Threads that may be busy on the CPU at once.</summary>
    public int Total => Ffmpeg + Tracker + Torch;

    /// <summary>One line for the log: the plan, and whether it asks for more threads than there are cores.</summary>
    public string Describe()
    {
        string plan = string.Create(CultureInfo.InvariantCulture, $"thread budget: {Total} on {Cores} cores (ffmpeg {Ffmpeg}, tracker {Tracker}, torch {Torch})");
        return Total > Cores ? plan + "; more than the cores: the stages will take turns, which the profile shows as slower stages, not as starving" : plan;
    }
}
