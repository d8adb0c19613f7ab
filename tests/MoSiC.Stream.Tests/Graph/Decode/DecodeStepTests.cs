using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Ffmpeg;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Graph.Decode;

/// <summary>
/// Decode in the graph: a video whose clips are all cached starts no ffmpeg, clips cut from the frames they need are
/// the pixels of a whole-video decode, and a video longer than the frame budget passes, holding only its clips.
/// </summary>
public sealed class DecodeStepTests : IDisposable
{
    private readonly GraphHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task A_track_rerun_over_a_fully_cached_corpus_starts_no_ffmpeg_and_run_still_decodes_what_it_trains_on()
    {
        _h.Videos(2);
        var first = await _h.BuildAsync(RunMode.Track, null);
        Assert.Null((await first.RunAsync()).Fault);
        Assert.Equal(4, first.Cache.FinishedClips(first.Set).Count);
        Assert.Equal(2, first.Cache.Videos(first.Set).Count);

        var again = await _h.BuildAsync(RunMode.Track, null);
        using (FfmpegLaunches launches = FfmpegLaunches.Scope())
        {
            Assert.Null((await again.RunAsync()).Fault);
            Assert.Equal(0, launches.Started);
        }

        var counts = again.Context.Stats.Run.Snapshot();
        Assert.Equal((2L, 0L, 4L), (counts.VideosDone, counts.ClipsTracked, counts.ClipsCached));

        var trainer = new RecordingTrainer();
        var run = await _h.BuildAsync(RunMode.Run, trainer);
        using (FfmpegLaunches launches = FfmpegLaunches.Scope())
        {
            Assert.Null((await run.RunAsync()).Fault);
            Assert.InRange(launches.Started, 2, 4);
        }

        Assert.Equal(first.Cache.FinishedClips(first.Set).Order(StringComparer.Ordinal), trainer.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Clips_cut_from_the_frames_they_need_are_the_pixels_of_a_whole_decode()
    {
        _h.Videos(2);
        _h.Options = _h.Options with { Clips = new ClipOptions { FramesPerClip = 4, Stride = 3, ClipsPerVideo = 3 } };
        var trainer = new RecordingTrainer();
        var built = await _h.BuildAsync(RunMode.Run, trainer);
        Assert.Null((await built.RunAsync()).Fault);

        var expected = new Dictionary<string, string>();
        foreach (VideoWork video in built.Plan.Videos)
        {
            using DecodedVideo whole = await DecodedVideo.LoadAsync(video.Source, _h.Options.Decode, int.MaxValue, 1, default);
            IReadOnlyList<ClipPlan> plans = ClipSampler.Plan(whole.Frames.Count, _h.Options.Clips);
            for (int i = 0; i < plans.Count; i++)
            {
                using ClipPixels pixels = ClipPixels.Copy(whole, plans[i]);
                expected[built.Set.ClipKey(video.Hash, i, plans[i].FrameIndices)] = RecordingTrainer.PixelHash(pixels);
            }
        }

        Assert.Equal(6, expected.Count);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), trainer.Pixels.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [Fact]
    public async Task A_video_longer_than_the_frame_budget_passes_holding_only_its_clips()
    {
        _h.Videos(1);
        // 3600 frames of 48×48 at 30 fps: 24 MB decoded, over the smallest frame budget (16 MB) that a whole-video
        // decode had to fit in. Two clips: one at the start, one sought at the end.
        string path = _h.File("data/long.mp4");
        Ffmpeg.TestPattern(path, 64, 48, 30, 3600);
        _h.Options = _h.Options with
        {
            Decode = new DecodeOptions { Resize = ResizeMode.Stretch, Width = 48, Height = 48 },
            Runtime = new RuntimeOptions { Buffers = new BufferOptions { Clips = 2, FrameMegabytes = 16 } },
        };
        var built = await _h.BuildAsync(RunMode.Track, null);
        using (FfmpegLaunches launches = FfmpegLaunches.Scope())
        {
            Assert.Null((await built.RunAsync()).Fault);
            // ffprobe, the packet listing, a decode from the start, and a seek to the last clip for each video.
            Assert.InRange(launches.Started, 4, 8);
        }

        Assert.Empty(built.Context.Failures.Records);
        Assert.Equal(4, built.Cache.FinishedClips(built.Set).Count);
        Assert.Equal(3600, built.Cache.Videos(built.Set).Values.Max(v => v.Frames));
        Assert.All(built.Context.Stats.Snapshot().Queues, q => Assert.InRange(q.Bytes, 0, q.ByteCapacity ?? 0));
    }
}
