using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Track.CoTracker;
using MoSiC.Stream.Stages.Track.LucasKanade;

namespace MoSiC.Stream.Stages.Track;

/// <summary>The trackers Stages builds itself (<see cref="BuiltIn"/>), and shortcuts to that catalog.</summary>
public static class TrackerFactory
{
    /// <summary>Lucas-Kanade, the static baseline and both CoTracker3 variants. Higher layers add their own trackers
    /// with <see cref="TrackerCatalog.With"/>.</summary>
    public static TrackerCatalog BuiltIn { get; } = new([
        new(LucasKanadeTracker.Name, o => LucasKanadeTracker.IdentityFor(o.Lk), (o, threads, _, scheduler) => new LucasKanadeTracker(o.Lk, threads) { Scheduler = scheduler }),
        new(StaticTracker.Name, _ => StaticTracker.TrackerId, (_, _, _, _) => new StaticTracker()),
        new(CoTrackerTracker.OfflineName,
            o => { CoTrackerWeights.RequireFile(o.Weights, CoTrackerTracker.OfflineName); return CoTrackerTracker.TrackerId; },
            (o, threads, device, scheduler) => new CoTrackerTracker(o.Weights, device, threads) { Scheduler = scheduler },
            Learned: true, Check: o => CoTrackerWeights.Check(o.Weights, CoTrackerTracker.OfflineName)),
        new(CoTrackerTracker.OnlineName,
            o => { CoTrackerWeights.RequireFile(o.Weights, CoTrackerTracker.OnlineName); return CoTrackerTracker.OnlineTrackerId; },
            (o, threads, device, scheduler) => CoTrackerTracker.Online(o.Weights, device, threads, scheduler),
            Learned: true, Check: o => CoTrackerWeights.Check(o.Weights, CoTrackerTracker.OnlineName)),
    ]);

    /// <summary>Tracker names this build can run (<c>static</c> is the "points do not move" baseline).</summary>
    public static IReadOnlyList<string> Available => BuiltIn.Available;

    /// <inheritdoc cref="TrackerCatalog.Identity"/>
    public static TrackerIdentity Identity(TrackerOptions options, string? name = null) => BuiltIn.Identity(options, name);

    /// <inheritdoc cref="TrackerCatalog.IsLearned"/>
    public static bool IsLearned(TrackerOptions options, string? name = null) => BuiltIn.IsLearned(options, name);

    /// <inheritdoc cref="TrackerCatalog.Check"/>
    public static void Check(TrackerOptions options, string? name = null) => BuiltIn.Check(options, name);

    /// <inheritdoc cref="TrackerCatalog.Create"/>
    public static IPointTracker Create(TrackerOptions options, int threads, string? name = null, ComputeDevice device = ComputeDevice.Cpu, TaskScheduler? scheduler = null) =>
        BuiltIn.Create(options, threads, name, device, scheduler);
}
