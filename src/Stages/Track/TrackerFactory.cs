using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Track.LucasKanade;

namespace MoSiC.Stream.Stages.Track;

/// <summary>Builds the tracker a pipeline names.</summary>
public static class TrackerFactory
{
    /// <summary>Tracker names this build can run (<c>static</c> is the "points do not move" baseline).</summary>
    public static readonly string[] Available = [LucasKanadeTracker.Name, StaticTracker.Name];

    /// <summary>
    /// The identity tracker <paramref name="name"/> (default: <see cref="TrackerOptions.Name"/>) would have, without
    /// building it: a run whose clips are all cached needs the cache partition, never the tracker.
    /// </summary>
    public static TrackerIdentity Identity(TrackerOptions options, string? name = null)
    {
        name ??= options.Name;
        return name switch
        {
            LucasKanadeTracker.Name => LucasKanadeTracker.IdentityFor(options.Lk),
            StaticTracker.Name => StaticTracker.TrackerId,
            _ => Unknown<TrackerIdentity>(name),
        };
    }

    /// <summary>Creates tracker <paramref name="name"/> (default: <see cref="TrackerOptions.Name"/>) with the stage's thread budget.</summary>
    public static IPointTracker Create(TrackerOptions options, int threads, string? name = null)
    {
        name ??= options.Name;
        return name switch
        {
            LucasKanadeTracker.Name => new LucasKanadeTracker(options.Lk, threads),
            StaticTracker.Name => new StaticTracker(),
            _ => Unknown<IPointTracker>(name),
        };
    }

    private static T Unknown<T>(string name) => name.StartsWith("cotracker3", StringComparison.Ordinal)
        ? throw new NotSupportedException($"tracker \"{name}\" is not available yet: the CoTracker3 port is issue #7; use \"lk\"")
        : throw new ArgumentException($"unknown tracker \"{name}\": expected one of {string.Join(", ", Available)}", nameof(name));
}
