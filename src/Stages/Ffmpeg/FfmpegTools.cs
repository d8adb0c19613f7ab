using FFMpegCore;

namespace MoSiC.Stream.Stages.Ffmpeg;

/// <summary>Where the ffmpeg and ffprobe binaries are (FFMpegCore's configuration: PATH unless configured).</summary>
public static class FfmpegTools
{
    /// <summary>The ffmpeg binary to start.</summary>
    public static string Ffmpeg => GlobalFFOptions.GetFFMpegBinaryPath();

    /// <summary>The ffprobe binary to start.</summary>
    public static string Ffprobe => GlobalFFOptions.GetFFProbeBinaryPath();

    /// <summary>Throws a clear error when ffmpeg or ffprobe cannot be found.</summary>
    public static void EnsureInstalled()
    {
        foreach (var tool in new[] { Ffmpeg, Ffprobe })
        {
            if (Path.IsPathRooted(tool) ? File.Exists(tool) : OnPath(tool)) continue;
            throw new FileNotFoundException(
                $"'{tool}' was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install -y ffmpeg) and run again.");
        }
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));
}
