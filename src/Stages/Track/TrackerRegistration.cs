using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Stages.Track;

/// <summary>
/// One tracker a <see cref="TrackerCatalog"/> can build: its name, its identity (the cache key part, known without
/// building it), and how to build it. Trackers that live above Stages (the synthetic-truth tracker in Synthetic) are
/// registered by the layer that composes the run.
/// </summary>
/// <param name="Name">The name pipelines and <c>--tracker</c> use.</param>
/// <param name="Identity">The identity from the tracker options; may throw <see cref="InvalidOperationException"/>
/// when what the tracker needs (a weights file) is missing.</param>
/// <param name="Create">Builds it from the options, the stage's thread budget, the run's device and the scheduler for its CPU-bound work.</param>
/// <param name="Learned">Runs on LibTorch and <c>runtime.device</c>.</param>
/// <param name="Check">Optional deeper check before any work (read and verify weights); default: the identity.</param>
public sealed record TrackerRegistration(
    string Name,
    Func<TrackerOptions, TrackerIdentity> Identity,
    Func<TrackerOptions, int, ComputeDevice, TaskScheduler, IPointTracker> Create,
    bool Learned = false,
    Action<TrackerOptions>? Check = null);
