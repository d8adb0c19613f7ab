using System.Diagnostics;

namespace MoSiC.Stream.Tests.Support;

/// <summary>Runs the real ffmpeg CLI for test inputs and reference outputs.</summary>
internal static class Ffmpeg
{
    /// <summary>Runs ffmpeg with <paramref name="arguments"/> and returns its stdout bytes; throws with stderr on failure.</summary>
    public static byte[] Run(params string[] arguments)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y" }.Concat(arguments)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed: {stderr.Result}");
        return stdout.ToArray();
    }

    /// <summary>Encodes <paramref name="frames"/> frames of a moving test pattern to H.264 at <paramref name="path"/>.</summary>
    public static string TestPattern(string path, int width, int height, double fps, int frames, params string[] extra)
    {
        Run(["-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate={fps}", "-frames:v", frames.ToString(),
            .. extra, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", path]);
        return path;
    }

    /// <summary>The RGB24 bytes of frame <paramref name="index"/> of <paramref name="input"/> as the ffmpeg CLI decodes it.</summary>
    public static byte[] ReferenceFrame(string input, int index) =>
        Run("-i", input, "-vf", $"select=eq(n\\,{index})", "-fps_mode", "passthrough", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
}
