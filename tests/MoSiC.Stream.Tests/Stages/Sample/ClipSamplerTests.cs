using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Sample;

namespace MoSiC.Stream.Tests.Stages.Sample;

public sealed class ClipSamplerTests
{
    [Fact]
    public void Long_video_gives_clips_at_the_requested_stride_spread_over_the_video()
    {
        var clips = ClipSampler.Plan(200, new ClipOptions { FramesPerClip = 12, Stride = 6, ClipsPerVideo = 3 });
        Assert.Equal(3, clips.Count);
        Assert.Equal([0, 66, 133], clips.Select(c => c.Start));
        Assert.All(clips, c => Assert.Equal(Enumerable.Range(0, 12).Select(k => c.Start + 6 * k), c.FrameIndices));
        Assert.Equal(199, clips[^1].FrameIndices[^1]);
    }

    [Fact]
    public void Zero_clips_per_video_takes_as_many_as_fit_without_overlap()
    {
        var clips = ClipSampler.Plan(134, new ClipOptions { FramesPerClip = 12, Stride = 6, ClipsPerVideo = 0 });
        Assert.Equal(2, clips.Count); // each spans 67 frames
        Assert.True(clips[1].Start > clips[0].FrameIndices[^1]);
    }

    [Fact]
    public void Short_video_shrinks_the_stride()
    {
        var clip = Assert.Single(ClipSampler.Plan(40, new ClipOptions { FramesPerClip = 12, Stride = 6 }));
        Assert.Equal(3, clip.Stride);
        Assert.Equal(33, clip.FrameIndices[^1]);
    }

    [Fact]
    public void Video_shorter_than_a_clip_repeats_its_last_frame()
    {
        var clip = Assert.Single(ClipSampler.Plan(5, new ClipOptions { FramesPerClip = 8, Stride = 6 }));
        Assert.Equal([0, 1, 2, 3, 4, 4, 4, 4], clip.FrameIndices);
    }

    [Fact]
    public void Empty_video_has_no_clips() => Assert.Empty(ClipSampler.Plan(0, new ClipOptions()));

    [Theory]
    [InlineData(12, 12, 6, 5)]
    [InlineData(1000, 12, 6, 7)]
    [InlineData(67, 12, 6, 2)]
    [InlineData(3, 2, 1, 9)]
    public void Every_index_is_in_range_and_increasing(int frames, int length, int stride, int count)
    {
        foreach (var clip in ClipSampler.Plan(frames, new ClipOptions { FramesPerClip = length, Stride = stride, ClipsPerVideo = count }))
        {
            Assert.Equal(length, clip.FrameIndices.Count);
            Assert.All(clip.FrameIndices, i => Assert.InRange(i, 0, frames - 1));
            Assert.True(clip.FrameIndices.Zip(clip.FrameIndices.Skip(1)).All(p => p.Second >= p.First));
        }
    }
}
