using Spectre.Console;

namespace MoSiC.Stream.Runner.Progress;

/// <summary>How a <see cref="ProgressView"/> shows the run; validated when the view starts.</summary>
public sealed record ProgressOptions
{
    /// <summary>Time between redraws of the live table. Default 250 ms (about 4 a second): smooth, and cheap.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Time between plain progress lines. Default 10 s: a CI log of an hour's run stays a few hundred lines.</summary>
    public TimeSpan PlainInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Span the live table's rates and "bottleneck now" are measured over. Default 5 s: steady, yet recent.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The console; default <see cref="AnsiConsole.Console"/>. The live table needs an interactive one.</summary>
    public IAnsiConsole? Console { get; init; }

    /// <summary>When set, the view prints plain lines here whatever the console is (tests, log files).</summary>
    public TextWriter? PlainOutput { get; init; }

    /// <summary>The clock the view waits on. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (RefreshInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RefreshInterval), RefreshInterval, $"progress.refreshInterval must be > 0, got {RefreshInterval}");
        if (PlainInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PlainInterval), PlainInterval, $"progress.plainInterval must be > 0, got {PlainInterval}");
        if (RateWindow <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RateWindow), RateWindow, $"progress.rateWindow must be > 0, got {RateWindow}");
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
    }
}
