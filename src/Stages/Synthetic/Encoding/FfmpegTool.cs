namespace MoSiC.Stream.Stages.Synthetic;

/// <summary>Where the ffmpeg executable is: $MOSIC_FFMPEG when set, else <c>ffmpeg</c> from PATH.</summary>
public static class FfmpegTool
{
    /// <summary>Environment variable that overrides the ffmpeg executable.</summary>
    public const string EnvironmentVariable = "MOSIC_FFMPEG";

    /// <summary>The ffmpeg executable to start.</summary>
    public static string Path =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } path ? path : "ffmpeg";
}
