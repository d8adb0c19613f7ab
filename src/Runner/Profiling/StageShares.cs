namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// The three shares the timeline pictures stack for each stage, defined once for the HTML and the PNG: fractions of
/// the stage's worker time (workers × span) in [0, 1]; what is left over is idle (before the first input or after
/// the last output).
/// </summary>
internal static class StageShares
{
    /// <summary>Names, colours and definitions, bottom layer first.</summary>
    public static readonly (string Name, string Colour, string Definition)[] Layers =
    [
        ("busy", "#1f77b4", "working on an item (decoding, tracking, a training step…)"),
        ("starved", "#f2b134", "waiting for input: the buffer that feeds the stage was empty"),
        ("blocked", "#d62728", "waiting to hand a result on: the buffer after the stage was full"),
    ];

    /// <summary>The three shares of <paramref name="stage"/> in <paramref name="sample"/> (zeros when the stage is absent).</summary>
    public static (double Busy, double Starved, double Blocked) Of(TimelineSample sample, string stage) =>
        sample.Stages.FirstOrDefault(s => s.Name == stage) is { } s ? (Clamp(s.Busy), Clamp(s.Starved), Clamp(s.Blocked)) : (0, 0, 0);

    private static double Clamp(double v) => double.IsFinite(v) ? Math.Clamp(v, 0, 1) : 0;
}
