using System.Diagnostics;
using System.Security.Cryptography;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;

namespace MoSiC.Stream.Tests.Stages.Decode;

/// <summary>
/// The decoder over a generated clip whose frames (704×576 RGB24, 1.2 MB) are larger than the 1 MiB stdout pipe:
/// every frame crosses in several reads, on both the native-timestamp (showinfo) path and the constant-rate path.
/// </summary>
public sealed class VideoDecoderTests : IDisposable
{
    private const int Width = 704, Height = 576, Frames = 20, Rate = 25;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"mosic-decode-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [SkippableFact]
    public async Task NativeAndConstantRatePathsDeliverTheSameFrames()
    {
        var clip = await GenerateClipAsync();
        var source = VideoSource.FromFile(clip);
        var probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(30), long.MaxValue, CancellationToken.None);

        var native = await DecodeAsync(source, probe, new DecodeOptions());
        var constant = await DecodeAsync(source, probe, new DecodeOptions { Fps = probe.Fps });

        Assert.Equal(Frames, native.Count);
        Assert.Equal(Frames, constant.Count);
        for (var i = 0; i < Frames; i++)
        {
            Assert.Equal(i / (double)Rate, native[i].Seconds, 3);
            Assert.Equal(i / (double)Rate, constant[i].Seconds, 3);
            Assert.Equal(native[i].Hash, constant[i].Hash);
        }
        Assert.Equal(Frames, native.Select(f => f.Hash).Distinct().Count()); // testsrc2 moves: no two frames alike
    }

    private static async Task<List<(double Seconds, string Hash)>> DecodeAsync(VideoSource source, ProbeInfo probe, DecodeOptions options)
    {
        var frames = new List<(double, string)>();
        await foreach (var frame in new VideoDecoder().DecodeAsync(source, probe, options, 1, CancellationToken.None))
        {
            using (frame)
            {
                Assert.Equal((Width, Height), (frame.Width, frame.Height));
                frames.Add((frame.Timestamp.TotalSeconds, Convert.ToHexString(SHA256.HashData(frame.Rgb.Span))));
            }
        }
        return frames;
    }

    private async Task<string> GenerateClipAsync()
    {
        Skip.If(!OnPath("ffmpeg") || !OnPath("ffprobe"), "ffmpeg/ffprobe not on PATH");
        Directory.CreateDirectory(_folder);
        var clip = Path.Combine(_folder, "clip.mp4");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
                     "-i", $"testsrc2=size={Width}x{Height}:rate={Rate}", "-frames:v", $"{Frames}", "-c:v", "libx264",
                     "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip })
            info.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(info)!;
        var errors = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, errors);
        return clip;
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));
}
