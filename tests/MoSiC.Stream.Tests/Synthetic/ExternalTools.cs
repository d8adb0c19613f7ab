using System.Diagnostics;
using System.Text.Json;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Synthetic;

/// <summary>Runs the real ffmpeg/ffprobe binaries for the tests.</summary>
internal static class ExternalTools
{
    private static readonly Lazy<bool> FfmpegPresent = new(() =>
    {
        try
        {
            return Run("ffmpeg", ["-version"]).ExitCode == 0 && Run("ffprobe", ["-version"]).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public static bool Available => FfmpegPresent.Value;

    public const string MissingReason = "ffmpeg/ffprobe are not installed";

    /// <summary>All frames of a video decoded to RGB24, one array per frame.</summary>
    public static byte[][] DecodeFrames(string video, int width, int height)
    {
        byte[] stdout = Ffmpeg.Run("-i", video, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:");
        int frameBytes = width * height * 3;
        Assert.Equal(0, stdout.Length % frameBytes);
        return Enumerable.Range(0, stdout.Length / frameBytes).Select(i => stdout.AsSpan(i * frameBytes, frameBytes).ToArray()).ToArray();
    }

    /// <summary>The first frame as RGB24, decoded the way downstream tools see it.</summary>
    public static byte[] DecodeFirstFrame(string video) =>
        Ffmpeg.Run("-i", video, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:");

    /// <summary>Frame count (by decoding every frame) and size of the first video stream.</summary>
    public static (int Frames, int Width, int Height) Probe(string video)
    {
        (int code, byte[] stdout, string stderr) = Run("ffprobe",
            ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames,width,height", "-of", "json", video]);
        Assert.True(code == 0, $"ffprobe of {video} failed: {stderr}");
        using JsonDocument json = JsonDocument.Parse(stdout);
        JsonElement stream = json.RootElement.GetProperty("streams")[0];
        return (int.Parse(stream.GetProperty("nb_read_frames").GetString()!), stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32());
    }

    private static (int ExitCode, byte[] Stdout, string Stderr) Run(string exe, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        process.WaitForExit();
        return (process.ExitCode, stdout.ToArray(), stderr.Result);
    }
}
