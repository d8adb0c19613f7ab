using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Stages.Decode;

/// <summary>Decodes videos made here with ffmpeg: counts, timestamps, rate conversion, resizing, rotation, variable rate.</summary>
public sealed class GeneratedVideoDecodeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Constant_rate_video_gives_every_frame_with_its_timestamp()
    {
        var path = Ffmpeg.TestPattern(_dir.File("cfr.mp4"), 160, 120, 24, 48);
        var decoded = await DecodeTestKit.DecodeAllAsync(VideoSource.FromFile(path));
        Assert.Equal(48, decoded.Frames.Count);
        for (var i = 0; i < 48; i++) Assert.Equal(i / 24.0, decoded.Frames[i].Time.TotalSeconds, 3);
        Assert.Equal(Ffmpeg.ReferenceFrame(path, 47), decoded.Frames[47].Rgb);
    }

    [Fact]
    public async Task Requested_rate_picks_frames_by_timestamp()
    {
        var path = Ffmpeg.TestPattern(_dir.File("cfr30.mp4"), 160, 120, 30, 60);
        var decoded = await DecodeTestKit.DecodeAllAsync(VideoSource.FromFile(path), new DecodeOptions { Fps = 10 });
        Assert.Equal(20, decoded.Frames.Count);
        Assert.Equal(19 / 10.0, decoded.Frames[^1].Time.TotalSeconds, 6);
        // At 10 fps from 30 fps, output frame k is input frame 3k.
        Assert.Equal(Ffmpeg.ReferenceFrame(path, 15), decoded.Frames[5].Rgb);
    }

    [Fact]
    public async Task Variable_rate_video_is_detected_and_resampled_by_time()
    {
        // 30 frames at 30 fps (1 s), then 30 frames at 10 fps (3 s): 60 frames over 4 s.
        var path = _dir.File("vfr.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30", "-frames:v", "60",
            "-vf", "setpts='if(lt(N,30),N/30,1+(N-30)/10)/TB'", "-fps_mode", "vfr", "-enc_time_base", "1/300",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", path);
        var timing = await FrameTiming.MeasureAsync(path, default);
        Assert.True(timing.IsVariable, $"intervals {timing.MinInterval}..{timing.MaxInterval}");

        var native = await DecodeTestKit.DecodeAllAsync(VideoSource.FromFile(path));
        Assert.Equal(60, native.Frames.Count);
        Assert.Equal(29 / 30.0, native.Frames[29].Time.TotalSeconds, 2);
        Assert.Equal(1.1, native.Frames[31].Time.TotalSeconds, 2);

        var resampled = await DecodeTestKit.DecodeAllAsync(VideoSource.FromFile(path), new DecodeOptions { Fps = 10 });
        Assert.InRange(resampled.Frames.Count, 39, 41);
    }

    [Fact]
    public async Task Rotation_metadata_is_applied()
    {
        var plain = Ffmpeg.TestPattern(_dir.File("plain.mp4"), 160, 96, 24, 12);
        var rotated = _dir.File("rotated.mp4");
        Ffmpeg.Run("-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated);
        var decoded = await DecodeTestKit.DecodeAllAsync(VideoSource.FromFile(rotated));
        Assert.Equal(90, decoded.Probe.Rotation);
        Assert.Equal((96, 160), (decoded.Frames[0].Width, decoded.Frames[0].Height));
        Assert.Equal(Ffmpeg.ReferenceFrame(rotated, 0), decoded.Frames[0].Rgb);
        // Really turned: the rotated frame differs from a plain transpose-free decode read as 96x160.
        Assert.NotEqual(Ffmpeg.ReferenceFrame(plain, 0), decoded.Frames[0].Rgb);
    }

    [Theory]
    [InlineData(ResizeMode.Stretch, 224, 224, 0, 224, 224)]
    [InlineData(ResizeMode.ShortSide, null, null, 120, 200, 120)]
    [InlineData(ResizeMode.Fit, 100, 100, 0, 100, 60)]
    public async Task Size_policy_sets_the_output_size(ResizeMode mode, int? width, int? height, int shortSide, int expectedW, int expectedH)
    {
        var path = Ffmpeg.TestPattern(_dir.File($"size-{mode}.mp4"), 320, 192, 24, 6);
        var options = new DecodeOptions { Resize = mode, Width = width, Height = height, ShortSide = shortSide == 0 ? null : shortSide, Fps = 24 };
        var decoded = await DecodeTestKit.DecodeAllAsync(VideoSource.FromFile(path), options);
        Assert.Equal(6, decoded.Frames.Count);
        Assert.All(decoded.Frames, f => Assert.Equal((expectedW, expectedH), (f.Width, f.Height)));
        Assert.All(decoded.Frames, f => Assert.Equal(expectedW * expectedH * 3, f.Rgb.Length));
    }

    [Fact]
    public async Task Frames_over_the_pixel_budget_are_refused_before_decoding()
    {
        var path = Ffmpeg.TestPattern(_dir.File("big.mp4"), 640, 480, 24, 2);
        var error = await Assert.ThrowsAsync<VideoFailedException>(() =>
            DecodeTestKit.DecodeAllAsync(VideoSource.FromFile(path), new DecodeOptions { MaxPixels = 320 * 240 }));
        Assert.Contains("640x480", error.Record.Reason);
        Assert.Contains("decode.maxPixels", error.Record.Reason);
    }
}
