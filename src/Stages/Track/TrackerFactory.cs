using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Track.LucasKanade;

namespace MoSiC.Stream.Stages.Track;

/// <summary>Builds the tracker a pipeline names.</summary>
public static class TrackerFactory
{
    /// <summary>Tracker names this build can run (<c>static</c> is the "points do not move" baseline).</summary>
    public static readonly string[] Available = [LucasKanadeTracker.Name, StaticTracker.Name];

    /// <summary>Creates tracker <paramref name="name"/> (default: <see cref="TrackerOptions.Name"/>) with the stage's thread budget.</summary>
    public static IPointTracker Create(TrackerOptions options, int threads, string? name = null)
    {
        name ??= options.Name;
        return name switch
        {
            LucasKanadeTracker.Name => new LucasKanadeTracker(options.Lk, threads),
            StaticTracker.Name => new StaticTracker(),
            _ when name.StartsWith("cotracker3", StringComparison.Ordinal) =>
                throw new NotSupportedException($"tracker \"{name}\" is not available yet: the CoTracker3 port is issue #7; use \"lk\""),
            _ => throw new ArgumentException($"unknown tracker \"{name}\": expected one of {string.Join(", ", Available)}", nameof(name)),
        };
    }
}
