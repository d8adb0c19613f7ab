namespace MoSiC.Stream.Stages.Ffmpeg;

/// <summary>What ffmpeg's showinfo filter printed for one frame.</summary>
/// <param name="Pts">The integer presentation stamp in the filter link's time base (<see cref="long.MinValue"/> when absent).</param>
/// <param name="Seconds">The same as seconds, as printed (six significant digits).</param>
public readonly record struct ShowInfoStamp(long Pts, double Seconds);
