using MoSiC.Stream.Stages.Ffmpeg;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Stages;

public sealed class FfmpegProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_path_with_quotes_and_spaces_reaches_the_tool_as_one_argument()
    {
        string path = _dir.File("a \"quoted\" name 'x'.mp4");
        Ffmpeg.TestPattern(path, 64, 48, 24, 3);

        FfmpegResult found = await FfmpegProcess.RunAsync(new FfmpegCommand(FfmpegTool.Ffprobe,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width", "-of", "csv=p=0", "-i", path]), CancellationToken.None);
        FfmpegResult missing = await FfmpegProcess.RunAsync(new FfmpegCommand(FfmpegTool.Ffprobe, ["-v", "error", "-i", path + ".gone"]), CancellationToken.None);

        Assert.Equal((0, "64"), (found.ExitCode, found.Stdout.Trim()));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains(missing.Stderr, l => l.Contains("No such file or directory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancellation_kills_the_process()
    {
        string marker = Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        // Real-time input that never ends: only the kill stops it.
        var command = new FfmpegCommand(FfmpegTool.Ffmpeg,
            ["-re", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24", "-metadata", $"title={marker}", "-f", "null", "-"]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FfmpegProcess.RunAsync(command, cts.Token));

        Assert.False(Running(marker), "ffmpeg still running after cancellation");
    }

    [Fact]
    public async Task The_stderr_tail_keeps_the_last_lines()
    {
        // Debug output runs to hundreds of lines.
        var command = new FfmpegCommand(FfmpegTool.Ffmpeg,
            ["-loglevel", "debug", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24", "-frames:v", "2", "-f", "null", "-"]) { StderrLines = 5 };

        FfmpegResult result = await FfmpegProcess.RunAsync(command, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(5, result.Stderr.Count);
        Assert.All(result.Stderr, l => Assert.False(string.IsNullOrWhiteSpace(l)));
    }

    private static bool Running(string marker)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal)) return true;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        return false;
    }
}
