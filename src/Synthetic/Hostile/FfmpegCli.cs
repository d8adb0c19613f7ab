using System.Diagnostics;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Encode;

namespace MoSiC.Stream.Synthetic.Hostile;

/// <summary>Runs the ffmpeg CLI to make an input, failing with its error output.</summary>
internal static class FfmpegCli
{
    public static async Task RunAsync(CancellationToken ct, params string[] arguments)
    {
        var info = new ProcessStartInfo(FfmpegTools.Ffmpeg) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y" }.Concat(arguments)) info.ArgumentList.Add(a);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        Task<string> error = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.BaseStream.CopyToAsync(System.IO.Stream.Null, ct).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0) throw new FfmpegException($"ffmpeg {string.Join(' ', arguments)} failed: {await error.ConfigureAwait(false)}");
    }
}
