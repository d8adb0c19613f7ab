using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Stages.Decode;

/// <summary>Decodes the real clips of ../shared/data/real (skipped when that folder is absent).</summary>
public sealed class RealClipDecodeTests
{
    private static string RealOrSkip(params string[] parts)
    {
        var path = Path.Combine([RepoPaths.RealData, .. parts]);
        Skip.IfNot(File.Exists(path) || Directory.Exists(path), $"real test data not present: {path}");
        return path;
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [SkippableFact]
    public async Task Mp4_decodes_every_frame_pixel_identical_to_the_ffmpeg_cli()
    {
        var path = RealOrSkip("sam2_gallery_dog", "video.mp4");
        var decoded = await DecodeTestKit.DecodeAllAsync(VideoSource.FromFile(path));
        Assert.Equal(289, decoded.Frames.Count);
        Assert.All(decoded.Frames, f => Assert.Equal((854, 480), (f.Width, f.Height)));
        Assert.Equal(decoded.Frames[0].Rgb, Ffmpeg.ReferenceFrame(path, 0));
        Assert.Equal(decoded.Frames[150].Rgb, Ffmpeg.ReferenceFrame(path, 150));
        // Native timestamps at 29.97 fps: frame n at n·1001/30000 s.
        Assert.Equal(150 * 1001 / 30000.0, decoded.Frames[150].Time.TotalSeconds, 3);
    }

    [SkippableFact]
    public async Task Davis_frame_folder_decodes_in_name_order_pixel_identical_to_the_jpegs()
    {
        var folder = RealOrSkip("davis2016_blackswan", "JPEGImages");
        var files = Directory.GetFiles(folder, "*.jpg");
        var decoded = await DecodeTestKit.DecodeAllAsync(VideoSource.FromFrames(folder, files, fps: 24));
        Assert.Equal(50, decoded.Frames.Count);
        Assert.All(decoded.Frames, f => Assert.Equal((854, 480), (f.Width, f.Height)));
        foreach (var index in new[] { 0, 17, 49 })
        {
            var jpeg = Path.Combine(folder, $"{index:00000}.jpg");
            Assert.Equal(Ffmpeg.Run("-i", jpeg, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"), decoded.Frames[index].Rgb);
            Assert.Equal(index / 24.0, decoded.Frames[index].Time.TotalSeconds, 3);
        }
    }

    [SkippableFact]
    public async Task Davis_folder_resampled_to_224_stretch_at_12_fps()
    {
        var folder = RealOrSkip("davis2016_bear", "JPEGImages");
        var options = new DecodeOptions { Fps = 12, Resize = ResizeMode.Stretch, Width = 224, Height = 224 };
        var decoded = await DecodeTestKit.DecodeAllAsync(VideoSource.FromFrames(folder, Directory.GetFiles(folder, "*.jpg"), 24), options);
        // 82 frames at 24 fps = 3.417 s → 41 frames at 12 fps.
        Assert.InRange(decoded.Frames.Count, 41, 42);
        Assert.All(decoded.Frames, f => Assert.Equal((224, 224), (f.Width, f.Height)));
        Assert.Equal(1 / 12.0, (decoded.Frames[1].Time - decoded.Frames[0].Time).TotalSeconds, 6);
    }
}
