using System.ComponentModel;

namespace MoSiC.Stream.Core.Options;

/// <summary>Settings of the pyramidal Lucas-Kanade tracker; each one changes its output, so each is part of the tracker's identity.</summary>
public sealed record LucasKanadeOptions
{
    [Description("Side of the square LK window in pixels (odd).")]
    public int Window { get; init; } = 21;

    [Description("Pyramid levels above the full-resolution image (0 = no pyramid).")]
    public int Levels { get; init; } = 3;

    [Description("Most LK iterations per level.")]
    public int Iterations { get; init; } = 30;

    [Description("LK stops iterating once an update is smaller than this, in pixels.")]
    public double Epsilon { get; init; } = 0.01;

    [Description("Smallest eigenvalue of the window's gradient matrix (OpenCV minEigThreshold): textureless points fail below it.")]
    public double MinEigenvalue { get; init; } = 1e-4;

    [Description("Forward-backward check: a point stays visible only if tracking it forward and back lands within this many pixels of where it started.")]
    public double ForwardBackwardPixels { get; init; } = 1.0;

    [Description("Retry lost points from the frame where they were last seen (re-found only when the forward-backward check passes).")]
    public bool Refind { get; init; } = true;

    internal void Validate(OptionErrors e, string path)
    {
        e.Require(Window is >= 3 and <= 101 && Window % 2 == 1, OptionErrors.Join(path, "window"), $"must be an odd number in 3..101, got {Window}");
        e.Require(Levels is >= 0 and <= 8, OptionErrors.Join(path, "levels"), $"must be in 0..8, got {Levels}");
        e.Require(Iterations is >= 1 and <= 1000, OptionErrors.Join(path, "iterations"), $"must be in 1..1000, got {Iterations}");
        e.Require(Epsilon is > 0 and <= 10, OptionErrors.Join(path, "epsilon"), $"must be in (0, 10], got {OptionErrors.Show(Epsilon)}");
        e.Require(MinEigenvalue is >= 0 and <= 1, OptionErrors.Join(path, "minEigenvalue"), $"must be in [0, 1], got {OptionErrors.Show(MinEigenvalue)}");
        e.Require(ForwardBackwardPixels is > 0 and <= 1000, OptionErrors.Join(path, "forwardBackwardPixels"), $"must be in (0, 1000], got {OptionErrors.Show(ForwardBackwardPixels)}");
    }

    /// <summary>Validates these options alone, e.g. when a command builds them from flags.</summary>
    public void ThrowIfInvalid(string source)
    {
        var errors = new OptionErrors();
        Validate(errors, "tracker.lk");
        errors.ThrowIfAny(source);
    }
}
