using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Decode.Timeline;
using MoSiC.Stream.Stages.Ffmpeg;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Stages.Decode.Timeline;

/// <summary>
/// Decoding only what clips need, against decoding the whole video as the decoder always has: the packet count is the
/// decoder's count, and frames reached by seeking are the same bytes, at the same times, as the same frames of a
/// decode from the start, at the video's own rate and through decode.fps.
/// </summary>
public sealed class FrameReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<double?, int> Rates => new() { { null, 60 }, { 24, 60 }, { 10, 60 }, { 30, 250 } };

    [SkippableTheory]
    [MemberData(nameof(Rates))]
    public async Task Sought_frames_are_the_bytes_and_times_of_a_decode_from_the_start(double? fps, int gop)
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        // 25 fps with keyframes every `gop` frames, B-frames on (veryfast): seeks land between keyframes.
        string path = Ffmpeg.TestPattern(_dir.File($"v{gop}.mp4"), 64, 48, 25, 700, "-g", gop.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var source = VideoSource.FromFile(path);
        var options = new DecodeOptions { Fps = fps, Resize = ResizeMode.Stretch, Width = 40, Height = 30 };
        var whole = await DecodeTestKit.DecodeAllAsync(source, options);
        FrameTimeline timeline = await PacketProbe.ProbeAsync(source, whole.Probe, options, default);

        Assert.Equal(whole.Frames.Count, timeline.Count);
        Assert.True(timeline.Seekable);
        var reader = new FrameReader();
        foreach (int first in new[] { 0, 1, 97, 201, 202, timeline.Count - 5 })
        {
            int last = Math.Min(timeline.Count - 1, first + 4);
            var wanted = new HashSet<int> { first, first + 2, last };
            var got = new List<VideoFrame>();
            await foreach (VideoFrame frame in reader.ReadAsync(source, whole.Probe, options, 1, new FrameSegment(first, last, timeline.SeekFor(first), null), wanted.Contains, default))
                got.Add(frame);

            Assert.Equal(wanted.Order(), got.Select(f => f.Index));
            foreach (VideoFrame frame in got)
            {
                using (frame)
                {
                    Assert.True(whole.Frames[frame.Index].Rgb.AsSpan().SequenceEqual(frame.Rgb.Span), $"frame {frame.Index} (seek for {first}, fps {fps})");
                    Assert.Equal(whole.Frames[frame.Index].Time, frame.Timestamp);
                }
            }
        }
    }

    [SkippableFact]
    public async Task A_run_to_the_end_confirms_the_count_or_names_the_real_one()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        string path = Ffmpeg.TestPattern(_dir.File("v.mp4"), 64, 48, 24, 50);
        var source = VideoSource.FromFile(path);
        var options = new DecodeOptions { Fps = 24 };
        ProbeInfo probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(30), options.MaxPixels, default);
        var reader = new FrameReader();

        await foreach (VideoFrame frame in reader.ReadAsync(source, probe, options, 1, new FrameSegment(0, 49, null, 50), i => i == 49, default)) frame.Dispose();
        var longer = await Assert.ThrowsAsync<FrameCountException>(async () =>
        {
            await foreach (VideoFrame frame in reader.ReadAsync(source, probe, options, 1, new FrameSegment(0, 40, null, 45), _ => false, default)) frame.Dispose();
        });
        Assert.Equal(50, longer.Actual);
        var shorter = await Assert.ThrowsAsync<FrameCountException>(async () =>
        {
            await foreach (VideoFrame frame in reader.ReadAsync(source, probe, options, 1, new FrameSegment(0, 60, null, null), _ => false, default)) frame.Dispose();
        });
        Assert.Equal(50, shorter.Actual);
    }

    [SkippableFact]
    public async Task Stopping_after_the_last_wanted_frame_decodes_a_small_part_of_a_long_video()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        string path = Ffmpeg.TestPattern(_dir.File("long.mp4"), 64, 48, 30, 3000);
        var source = VideoSource.FromFile(path);
        var options = new DecodeOptions();
        ProbeInfo probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(30), options.MaxPixels, default);
        FrameTimeline estimate = FrameTimeline.Estimate(probe, options);
        Assert.InRange(estimate.Count, 2990, 3010);

        int read = 0;
        using (FfmpegLaunches launches = FfmpegLaunches.Scope())
        {
            await foreach (VideoFrame frame in new FrameReader().ReadAsync(source, probe, options, 1, new FrameSegment(0, 11, null, null), _ => true, default))
            {
                using (frame) read++;
            }

            Assert.Equal(1, launches.Started);
        }

        Assert.Equal(12, read);
    }
}
