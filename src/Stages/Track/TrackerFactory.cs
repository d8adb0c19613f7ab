using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Track.CoTracker;
using MoSiC.Stream.Stages.Track.LucasKanade;

namespace MoSiC.Stream.Stages.Track;

/// <summary>Builds the tracker a pipeline names.</summary>
public static class TrackerFactory
{
    /// <summary>Tracker names this build can run (<c>static</c> is the "points do not move" baseline).</summary>
    public static readonly string[] Available = [LucasKanadeTracker.Name, StaticTracker.Name, CoTrackerTracker.OfflineName, CoTrackerTracker.OnlineName];

    /// <summary>
    /// The identity tracker <paramref name="name"/> (default: <see cref="TrackerOptions.Name"/>) would have, without
    /// building it: a run whose clips are all cached needs the cache partition, never the tracker. A learned tracker's
    /// weights file must exist (the cache key hashes it) but is not read here.
    /// </summary>
    /// <exception cref="InvalidOperationException">A learned tracker's weights file is not set or does not exist.</exception>
    public static TrackerIdentity Identity(TrackerOptions options, string? name = null)
    {
        name ??= options.Name;
        switch (name)
        {
            case LucasKanadeTracker.Name:
                return LucasKanadeTracker.IdentityFor(options.Lk);
            case StaticTracker.Name:
                return StaticTracker.TrackerId;
            case CoTrackerTracker.OfflineName:
                CoTrackerWeights.RequireFile(options.Weights, name);
                return CoTrackerTracker.TrackerId;
            case CoTrackerTracker.OnlineName:
                CoTrackerWeights.RequireFile(options.Weights, name);
                return CoTrackerTracker.OnlineTrackerId;
            default:
                return Unknown<TrackerIdentity>(name);
        }
    }

    /// <summary>Whether tracker <paramref name="name"/> (default: <see cref="TrackerOptions.Name"/>) is a learned one, running on LibTorch and <c>runtime.device</c>.</summary>
    public static bool IsLearned(TrackerOptions options, string? name = null) => (name ?? options.Name) is CoTrackerTracker.OfflineName or CoTrackerTracker.OnlineName;

    /// <summary>
    /// Checks everything tracker <paramref name="name"/> needs that can be checked without tracking: for a learned
    /// tracker, reads its weights and checks every tensor name and shape. Runs before any work.
    /// </summary>
    /// <exception cref="InvalidOperationException">The weights are missing, unreadable or do not fit.</exception>
    public static void Check(TrackerOptions options, string? name = null)
    {
        name ??= options.Name;
        if (IsLearned(options, name))
            CoTrackerWeights.Check(options.Weights, name);
        else
            _ = Identity(options, name);
    }

    /// <summary>
    /// Creates tracker <paramref name="name"/> (default: <see cref="TrackerOptions.Name"/>) with the stage's thread
    /// budget, on <paramref name="device"/> (the run's resolved <c>runtime.device</c>) when it is a learned tracker,
    /// its CPU-bound work on <paramref name="scheduler"/> (the run's dedicated tracker threads; default the thread pool).
    /// </summary>
    public static IPointTracker Create(TrackerOptions options, int threads, string? name = null, ComputeDevice device = ComputeDevice.Cpu,
        TaskScheduler? scheduler = null)
    {
        name ??= options.Name;
        scheduler ??= TaskScheduler.Default;
        return name switch
        {
            LucasKanadeTracker.Name => new LucasKanadeTracker(options.Lk, threads) { Scheduler = scheduler },
            StaticTracker.Name => new StaticTracker(),
            CoTrackerTracker.OfflineName => new CoTrackerTracker(options.Weights, device, threads) { Scheduler = scheduler },
            CoTrackerTracker.OnlineName => CoTrackerTracker.Online(options.Weights, device, threads, scheduler),
            _ => Unknown<IPointTracker>(name),
        };
    }

    private static T Unknown<T>(string name) =>
        throw new ArgumentException($"unknown tracker \"{name}\": expected one of {string.Join(", ", Available)}", nameof(name));
}
