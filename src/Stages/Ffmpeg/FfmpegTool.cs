namespace MoSiC.Stream.Stages.Ffmpeg;

/// <summary>Which FFmpeg binary a command runs (<see cref="FfmpegTools"/> says where each is).</summary>
public enum FfmpegTool
{
    /// <summary>ffmpeg: decodes and encodes.</summary>
    Ffmpeg,

    /// <summary>ffprobe: reads container and stream information.</summary>
    Ffprobe,
}
