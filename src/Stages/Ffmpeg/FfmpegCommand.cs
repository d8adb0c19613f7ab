namespace MoSiC.Stream.Stages.Ffmpeg;

/// <summary>
/// One ffmpeg or ffprobe invocation: the arguments after the executable (without <c>-hide_banner</c> and
/// <c>-nostdin</c>, which <see cref="FfmpegProcess"/> adds) and how its standard streams are used.
/// </summary>
/// <param name="Tool">The binary to run.</param>
/// <param name="Arguments">Its arguments, each passed as one argument: paths need no quoting.</param>
public sealed record FfmpegCommand(FfmpegTool Tool, IReadOnlyList<string> Arguments)
{
    /// <summary>True when the caller writes to the process's stdin (the encoder's frames); otherwise stdin is closed at start.</summary>
    public bool WritesStdin { get; init; }

    /// <summary>True (default) when the caller reads the process's stdout; otherwise it is drained and dropped.</summary>
    public bool ReadsStdout { get; init; } = true;

    /// <summary>True when stderr carries the showinfo filter's lines, to be read as frame timestamps instead of kept.</summary>
    public bool ParseTimestamps { get; init; }

    /// <summary>How many of the last non-blank stderr lines are kept for error messages; default 40.</summary>
    public int StderrLines { get; init; } = 40;
}
