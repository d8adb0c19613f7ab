using System.Diagnostics;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Stages.Decode;

/// <summary>Bad inputs end as specific failure records, and the rest of the batch still decodes.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [Fact]
    public async Task Each_bad_input_gets_its_own_reason_and_the_good_videos_still_decode()
    {
        var good1 = Ffmpeg.TestPattern(_dir.File("good1.mp4"), 128, 96, 24, 24);
        var good2 = Ffmpeg.TestPattern(_dir.File("good 2 ü.mp4"), 128, 96, 24, 30);
        File.WriteAllBytes(_dir.File("empty.mp4"), []);
        var whole = File.ReadAllBytes(good1);
        File.WriteAllBytes(_dir.File("truncated.mp4"), whole[..(whole.Length / 2)]);
        File.WriteAllBytes(_dir.File("random.mp4"), RandomBytes(50_000));
        Ffmpeg.Run("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", "-f", "mp4", _dir.File("audio-only.mp4"));
        Directory.CreateDirectory(_dir.File("a-folder.mp4"));
        var frames = Directory.CreateDirectory(_dir.File("frames")).FullName;
        for (var i = 0; i < 4; i++) Ffmpeg.Run("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", Path.Combine(frames, $"{i:00000}.jpg"));
        var jpeg = File.ReadAllBytes(Path.Combine(frames, "00002.jpg"));
        File.WriteAllBytes(Path.Combine(frames, "00002.jpg"), jpeg[..(jpeg.Length / 2)]);

        VideoSource[] videos =
        [
            VideoSource.FromFile(good1),
            VideoSource.FromFile(_dir.File("empty.mp4")),
            VideoSource.FromFile(_dir.File("truncated.mp4")),
            VideoSource.FromFile(_dir.File("random.mp4")),
            VideoSource.FromFile(_dir.File("audio-only.mp4")),
            VideoSource.FromFile(_dir.File("missing.mp4")),
            VideoSource.FromFile(_dir.File("a-folder.mp4")),
            VideoSource.FromFrames(frames, Directory.GetFiles(frames)),
            VideoSource.FromFile(good2),
        ];
        var outcomes = new Dictionary<string, Outcome>();
        foreach (var video in videos) outcomes[Path.GetFileName(video.Path)] = await DecodeAsync(video);

        Assert.Equal(24, outcomes["good1.mp4"].Frames);
        Assert.True(outcomes["good1.mp4"].Succeeded);
        Assert.Equal(30, outcomes["good 2 ü.mp4"].Frames);
        Assert.True(outcomes["good 2 ü.mp4"].Succeeded);
        Reason(outcomes, "empty.mp4", "probe", "empty file (0 bytes)");
        Reason(outcomes, "truncated.mp4", "probe", "moov atom");
        Reason(outcomes, "random.mp4", "probe", "not a decodable video");
        Reason(outcomes, "audio-only.mp4", "probe", "no video stream (streams found: audio aac)");
        Reason(outcomes, "missing.mp4", "probe", "file not found");
        Reason(outcomes, "a-folder.mp4", "probe", "is a directory");
        Reason(outcomes, "frames", "probe", "frame 2 (00002.jpg) is corrupt: truncated JPEG");
    }

    [Fact]
    public async Task Video_truncated_inside_its_stream_data_is_a_failure_after_the_frames_before_the_cut()
    {
        var source = Ffmpeg.TestPattern(_dir.File("src.mp4"), 128, 96, 24, 48);
        var faststart = _dir.File("faststart.mp4");
        Ffmpeg.Run("-i", source, "-c", "copy", "-movflags", "+faststart", faststart);
        var bytes = File.ReadAllBytes(faststart);
        File.WriteAllBytes(faststart, bytes[..(bytes.Length * 2 / 3)]);
        var outcome = await DecodeAsync(VideoSource.FromFile(faststart));
        Assert.False(outcome.Succeeded);
        Assert.Equal("decode", outcome.Failure!.Stage);
        Assert.Contains("truncated file", outcome.Failure.Reason);
        Assert.InRange(outcome.Frames, 1, 47);
    }

    [SkippableFact]
    public async Task Unreadable_file_is_a_permission_failure()
    {
        Skip.If(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root", "root reads files whatever their mode");
        var path = Ffmpeg.TestPattern(_dir.File("locked.mp4"), 64, 48, 24, 2);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.None);
        var outcome = await DecodeAsync(VideoSource.FromFile(path));
        Assert.Contains("permission denied", outcome.Failure!.Reason);
    }

    [Fact]
    public async Task Probe_of_a_fifo_nobody_writes_is_killed_by_the_timeout()
    {
        var fifo = MakeFifo();
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<VideoFailedException>(() =>
            new VideoProber().ProbeAsync(VideoSource.FromFile(fifo), TimeSpan.FromSeconds(1), long.MaxValue, default));
        Assert.Contains("did not answer within 1 s", error.Record.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.False(ProcessReading(fifo), "ffprobe still running");
    }

    [Fact]
    public async Task Decoder_stalled_on_a_fifo_is_killed_by_the_stall_timeout_and_leaves_no_process()
    {
        var fifo = MakeFifo();
        var probe = new ProbeInfo(fifo, VideoSourceKind.File, "mp4", -1, TimeSpan.Zero, [], 64, 48, 0, 24, null);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<VideoFailedException>(async () =>
        {
            await foreach (var frame in new VideoDecoder().DecodeAsync(VideoSource.FromFile(fifo), probe, new DecodeOptions { StallTimeoutSeconds = 1, Fps = 24 }, 1, default))
                frame.Dispose();
        });
        Assert.Contains("stalled", error.Record.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.False(ProcessReading(fifo), "ffmpeg still running");
    }

    [Fact]
    public async Task Cancellation_kills_the_decoder()
    {
        var fifo = MakeFifo();
        var probe = new ProbeInfo(fifo, VideoSourceKind.File, "mp4", -1, TimeSpan.Zero, [], 64, 48, 0, 24, null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var frame in new VideoDecoder().DecodeAsync(VideoSource.FromFile(fifo), probe, new DecodeOptions { Fps = 24 }, 1, cts.Token))
                frame.Dispose();
        });
        Assert.False(ProcessReading(fifo), "ffmpeg still running after cancellation");
    }

    private string MakeFifo()
    {
        var path = _dir.File($"fifo-{Guid.NewGuid():N}.mp4");
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    // True when some process still has the path on its command line.
    private static bool ProcessReading(string path)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains(path, StringComparison.Ordinal) && (cmdline.StartsWith("ffmpeg", StringComparison.Ordinal) || cmdline.StartsWith("ffprobe", StringComparison.Ordinal) || cmdline.Contains("/ff", StringComparison.Ordinal)))
                    return true;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return false;
    }

    private sealed record Outcome(int Frames, FailureRecord? Failure)
    {
        public bool Succeeded => Failure is null;
    }

    // Probe and decode as the pipeline does, counting the frames that came out before any failure.
    private static async Task<Outcome> DecodeAsync(VideoSource video)
    {
        var options = new DecodeOptions();
        int frames = 0;
        try
        {
            var probe = await new VideoProber().ProbeAsync(video, TimeSpan.FromSeconds(options.StallTimeoutSeconds), options.MaxPixels, default);
            await foreach (var frame in new VideoDecoder().DecodeAsync(video, probe, options, 1, default))
            {
                using (frame) frames++;
            }

            return new Outcome(frames, null);
        }
        catch (VideoFailedException e)
        {
            return new Outcome(frames, e.Record);
        }
    }

    private static void Reason(Dictionary<string, Outcome> outcomes, string name, string stage, string reason)
    {
        var failure = outcomes[name].Failure;
        Assert.True(failure is not null, $"{name} should have failed");
        Assert.Equal(stage, failure.Stage);
        Assert.Contains(reason, failure.Reason);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
