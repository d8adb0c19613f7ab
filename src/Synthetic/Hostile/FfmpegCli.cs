using MoSiC.Stream.Stages.Ffmpeg;

namespace MoSiC.Stream.Synthetic.Hostile;

/// <summary>Runs the ffmpeg CLI to make an input, failing with its error output.</summary>
internal static class FfmpegCli
{
    public static async Task RunAsync(CancellationToken ct, params string[] arguments)
    {
        var command = new FfmpegCommand(FfmpegTool.Ffmpeg, ["-loglevel", "error", "-y", .. arguments]);
        FfmpegResult result = await FfmpegProcess.RunAsync(command, ct).ConfigureAwait(false);
        if (result.ExitCode != 0) throw new FfmpegException($"ffmpeg {string.Join(' ', arguments)} failed: {string.Join('\n', result.Stderr)}");
    }
}
