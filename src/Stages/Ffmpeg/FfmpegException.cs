namespace MoSiC.Stream.Stages.Ffmpeg;

/// <summary>ffmpeg could not be started or failed; the message carries its last stderr lines.</summary>
public sealed class FfmpegException(string message, Exception? inner = null) : Exception(message, inner);
