namespace MoSiC.Stream.Stages.Ffmpeg;

/// <summary>What a finished ffmpeg or ffprobe run left: <see cref="FfmpegProcess.RunAsync"/>'s answer.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="Stdout">Everything it wrote to stdout, as text.</param>
/// <param name="Stderr">Its last non-blank stderr lines (<see cref="FfmpegCommand.StderrLines"/>).</param>
public sealed record FfmpegResult(int ExitCode, string Stdout, IReadOnlyList<string> Stderr);
