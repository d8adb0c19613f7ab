using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Stages.Track;

/// <summary>
/// The trackers a run can name, by name: what each is (its identity, without building it), whether it is learned,
/// its checks, and how to build it. Immutable; <see cref="With"/> adds registrations from a higher layer.
/// </summary>
public sealed class TrackerCatalog
{
    private readonly IReadOnlyList<TrackerRegistration> _trackers;

    /// <summary>A catalog of <paramref name="trackers"/> (names must be distinct).</summary>
    public TrackerCatalog(IReadOnlyList<TrackerRegistration> trackers)
    {
        ArgumentNullException.ThrowIfNull(trackers);
        if (trackers.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"tracker \"{twice.Key}\" is registered twice", nameof(trackers));
        _trackers = trackers;
    }

    /// <summary>The names, in registration order.</summary>
    public IReadOnlyList<string> Available => [.. _trackers.Select(t => t.Name)];

    /// <summary>This catalog plus <paramref name="more"/>.</summary>
    public TrackerCatalog With(params TrackerRegistration[] more) => new([.. _trackers, .. more]);

    /// <summary>
    /// The identity tracker <paramref name="name"/> (default: <see cref="TrackerOptions.Name"/>) would have, without
    /// building it: a run whose clips are all cached needs the cache partition, never the tracker. A learned tracker's
    /// weights file must exist (the cache key hashes it) but is not read here.
    /// </summary>
    /// <exception cref="ArgumentException">No tracker has that name.</exception>
    /// <exception cref="InvalidOperationException">A learned tracker's weights file is not set or does not exist.</exception>
    public TrackerIdentity Identity(TrackerOptions options, string? name = null) => Find(options, name).Identity(options);

    /// <summary>Whether tracker <paramref name="name"/> (default: <see cref="TrackerOptions.Name"/>) is a learned one, running on LibTorch and <c>runtime.device</c>.</summary>
    public bool IsLearned(TrackerOptions options, string? name = null) =>
        _trackers.FirstOrDefault(t => t.Name == (name ?? options.Name))?.Learned ?? false;

    /// <summary>
    /// Checks everything tracker <paramref name="name"/> needs that can be checked without tracking: for a learned
    /// tracker, reads its weights and checks every tensor name and shape. Runs before any work.
    /// </summary>
    /// <exception cref="InvalidOperationException">The weights are missing, unreadable or do not fit.</exception>
    public void Check(TrackerOptions options, string? name = null)
    {
        TrackerRegistration tracker = Find(options, name);
        if (tracker.Check is { } check) check(options);
        else _ = tracker.Identity(options);
    }

    /// <summary>
    /// Creates tracker <paramref name="name"/> (default: <see cref="TrackerOptions.Name"/>) with the stage's thread
    /// budget, on <paramref name="device"/> (the run's resolved <c>runtime.device</c>) when it is a learned tracker,
    /// its CPU-bound work on <paramref name="scheduler"/> (the run's dedicated tracker threads; default the thread pool).
    /// </summary>
    public IPointTracker Create(TrackerOptions options, int threads, string? name = null, ComputeDevice device = ComputeDevice.Cpu, TaskScheduler? scheduler = null) =>
        Find(options, name).Create(options, threads, device, scheduler ?? TaskScheduler.Default);

    private TrackerRegistration Find(TrackerOptions options, string? name)
    {
        ArgumentNullException.ThrowIfNull(options);
        name ??= options.Name;
        return _trackers.FirstOrDefault(t => t.Name == name)
            ?? throw new ArgumentException($"unknown tracker \"{name}\": expected one of {string.Join(", ", Available)}", nameof(name));
    }
}
