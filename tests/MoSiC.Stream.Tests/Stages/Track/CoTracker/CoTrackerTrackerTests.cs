using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Stages.Track.CoTracker;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Stages.Track.CoTracker;

/// <summary>
/// The <c>cotracker3-offline</c> stage on real decoded frames with random weights (the official checkpoint is not
/// redistributable): result shapes, the query frame pinned, a batch equal to its clips one at a time, long clips in
/// windows, and weights that are missing or wrong refused with a message that says where the real ones are.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class CoTrackerTrackerTests : IDisposable
{
    private const float PixelTolerance = 1e-3f;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<DecodedVideo> VideoAsync(int frames, string hue = "0")
    {
        string path = _dir.File($"pattern-{hue}.mp4");
        if (!File.Exists(path)) Ffmpeg.TestPattern(path, 128, 96, 24, frames, "-vf", $"hue=h={hue}");
        return await DecodedVideo.LoadAsync(VideoSource.FromFile(path), new DecodeOptions(), frames, 1, CancellationToken.None);
    }

    private string Weights(int seed = 1) => RandomCoTrackerWeights.Write(_dir.File($"random-{seed}.pth"), seed);

    private static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"{what}: max abs difference {worst} > {tolerance}");
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [SkippableFact]
    public async Task A_batch_of_two_clips_has_the_right_shape_pins_the_grid_and_equals_one_clip_at_a_time()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        using DecodedVideo a = await VideoAsync(10), b = await VideoAsync(10, "90");
        // The suite's one proof that a clip's tracks do not depend on its batch (on the CPU, 2 threads), at the smallest
        // clip that shows it (the model resizes every frame to 384×512, so only the frame count sets the cost).
        var clips = new[] { new TrackClip("a", a.Pixels.Take(3).ToArray()), new TrackClip("b", b.Pixels.Skip(3).Take(3).ToArray()) };
        await using var tracker = new CoTrackerTracker(Weights(), ComputeDevice.Cpu, threads: 2);
        QuerySpec grid = QuerySpec.Grid(4);

        TrackResult together = await tracker.TrackAsync(new ClipBatch(a.Width, a.Height, clips), grid, CancellationToken.None);

        Assert.Equal((2, 3, 16), (together.Clips, together.Frames, together.Points));
        Assert.All(together.Positions, p => Assert.True(float.IsFinite(p)));
        Assert.NotNull(together.Confidence);
        Assert.All(together.Confidence!, c => Assert.InRange(c, 0f, 1f));
        // The grid is the predictor's (laid out on 512×384, mapped back), and every track starts on its query.
        Assert.Equal(QueryGrid.Points(4, a.Width, a.Height, QueryGrid.CoTrackerWidth, QueryGrid.CoTrackerHeight), together.Queries);
        for (int c = 0; c < 2; c++)
        {
            for (int i = 0; i < 16; i++)
            {
                Assert.InRange(together.X(c, 0, i), together.Queries[i].X - PixelTolerance, together.Queries[i].X + PixelTolerance);
                Assert.InRange(together.Y(c, 0, i), together.Queries[i].Y - PixelTolerance, together.Queries[i].Y + PixelTolerance);
                Assert.True(together.IsVisible(c, 0, i));
            }
        }

        for (int c = 0; c < 2; c++)
        {
            TrackResult alone = await tracker.TrackAsync(new ClipBatch(a.Width, a.Height, [clips[c]]), grid, CancellationToken.None);
            TrackResult slice = together.Slice(c);
            // Bit for bit, not just close: the graph batches clips as they come, so a resumed run batches them otherwise,
            // and the same model after a kill (docs/reliability.md, "Determinism") needs the same tracks.
            Assert.True(alone.Positions.SequenceEqual(slice.Positions), $"clip {c}: positions alone differ from batched by up to " +
                $"{alone.Positions.Zip(slice.Positions).Max(t => Math.Abs(t.First - t.Second))} px");
            Assert.True(alone.Confidence!.SequenceEqual(slice.Confidence!), $"clip {c}: confidence alone differs from batched");
            Assert.Equal(alone.Visible, slice.Visible);
        }

        // The two clips differ, so equal slices are not an accident of identical input.
        Assert.NotEqual(together.Slice(0).Positions, together.Slice(1).Positions);
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [SkippableFact]
    public async Task Explicit_queries_on_a_later_frame_are_pinned_there_and_a_long_clip_keeps_its_first_window()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        using DecodedVideo video = await VideoAsync(10);
        TrackQuery[] queries = [new(2, 20f, 30f), new(0, 64f, 48f), new(3, 100.5f, 80f)];
        await using var tracker = new CoTrackerTracker(Weights(), ComputeDevice.Cpu, threads: 2, window: 6, overlap: 2);
        var spec = QuerySpec.Explicit(queries);

        // 10 frames in windows of 6: frames 0–5, then 4–9 anchored on the first window's tracks, handed over at 5.
        TrackResult whole = await tracker.TrackAsync(new ClipBatch(video.Width, video.Height, [new TrackClip("v", video.Pixels.ToArray())]), spec, CancellationToken.None);
        TrackResult first = await tracker.TrackAsync(new ClipBatch(video.Width, video.Height, [new TrackClip("v", video.Pixels.Take(6).ToArray())]), spec, CancellationToken.None);

        Assert.Equal((1, 10, 3), (whole.Clips, whole.Frames, whole.Points));
        Assert.Equal(queries, whole.Queries);
        Assert.All(whole.Positions, p => Assert.True(float.IsFinite(p)));
        for (int i = 0; i < queries.Length; i++)
        {
            Assert.Equal(queries[i].X, whole.X(0, queries[i].Frame, i), PixelTolerance);
            Assert.Equal(queries[i].Y, whole.Y(0, queries[i].Frame, i), PixelTolerance);
            Assert.True(whole.IsVisible(0, queries[i].Frame, i));
        }

        int kept = 5 * 3;
        AssertClose(first.Positions[..(2 * kept)], whole.Positions[..(2 * kept)], 1e-4f, "frames 0–4 against the first window alone");
        Assert.Equal(first.Visible[..kept], whole.Visible[..kept]);

        // A query past the first window cannot be tracked forward from it: refused, naming the frame.
        var late = QuerySpec.Explicit([new TrackQuery(7, 10f, 10f)]);
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await tracker.TrackAsync(new ClipBatch(video.Width, video.Height, [new TrackClip("v", video.Pixels.ToArray())]), late, CancellationToken.None));
        Assert.Contains("query frame 7", error.Message);
    }

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [SkippableFact]
    public async Task Online_tracks_a_clip_longer_than_its_window_with_queries_on_any_frame()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        using DecodedVideo a = await VideoAsync(20);
        // 18 frames: two 16-frame windows (0–15, 8–23 padded); the query on frame 12 first appears in the second.
        var clip = new TrackClip("a", a.Pixels.Take(18).ToArray());
        string weights = RandomCoTrackerWeights.Write(_dir.File("online.pth"), 5, window: CoTrackerTracker.OnlineWindow);
        await using var tracker = CoTrackerTracker.Online(weights, ComputeDevice.Cpu, threads: 2);
        TrackQuery[] queries = [new(0, 30f, 40f), new(12, 90f, 50f), new(5, 64f, 20f)];

        TrackResult tracks = await tracker.TrackAsync(new ClipBatch(a.Width, a.Height, [clip]), QuerySpec.Explicit(queries), CancellationToken.None);

        Assert.Equal("cotracker3-online", tracker.Identity.Name);
        Assert.Equal((1, 18, 3), (tracks.Clips, tracks.Frames, tracks.Points));
        Assert.All(tracks.Positions, p => Assert.True(float.IsFinite(p)));
        Assert.All(tracks.Confidence!, c => Assert.InRange(c, 0f, 1f));
    }

    [Fact]
    public void Missing_unreadable_or_mismatched_weights_are_refused_naming_the_file_and_where_the_weights_are()
    {
        string missing = _dir.File("nowhere/scaled_offline.pth");
        var e = Assert.Throws<InvalidOperationException>(() => new CoTrackerTracker(missing, ComputeDevice.Cpu, 1));
        Assert.Contains(missing, e.Message);
        Assert.Contains("does not exist", e.Message);
        Assert.Contains(CoTrackerWeights.Source, e.Message);

        e = Assert.Throws<InvalidOperationException>(() => new CoTrackerTracker(null, ComputeDevice.Cpu, 1));
        Assert.Contains("tracker.weights is not set", e.Message);

        string garbage = _dir.File("garbage.pth");
        File.WriteAllBytes(garbage, new byte[64]);
        e = Assert.Throws<InvalidOperationException>(() => CoTrackerWeights.Check(garbage, CoTrackerTracker.OfflineName));
        Assert.Contains("cannot be read", e.Message);
        Assert.Contains(CoTrackerWeights.Source, e.Message);

        // A state dict of another model: the report names what is missing and what is unexpected.
        string other = _dir.File("other.pth");
        using (var stream = File.Create(other))
        {
            using var tensor = TorchSharp.torch.zeros(3, 4);
            TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(stream, new Dictionary<string, TorchSharp.torch.Tensor> { ["head.weight"] = tensor });
        }

        e = Assert.Throws<InvalidOperationException>(() => CoTrackerWeights.Check(other, CoTrackerTracker.OfflineName));
        Assert.Contains("do not fit", e.Message);
        Assert.Contains("fnet.conv1.weight", e.Message);
        Assert.Contains("head.weight [3, 4]", e.Message);
    }

    [Fact]
    public void Weights_under_model_load_and_the_identity_needs_the_file_but_never_reads_it()
    {
        string wrapped = RandomCoTrackerWeights.Write(_dir.File("wrapped.pth"), 3, underModel: true);
        CoTrackerWeights.Check(wrapped, CoTrackerTracker.OfflineName);

        string garbage = _dir.File("garbage.pth");
        File.WriteAllBytes(garbage, new byte[64]);
        var options = new TrackerOptions { Name = CoTrackerTracker.OfflineName, Weights = garbage };
        Assert.Equal("cotracker3-offline/v1?iterations=6&window=60&overlap=12&visibility=0.9", TrackerFactory.Identity(options).Key);
        Assert.Throws<InvalidOperationException>(() => TrackerFactory.Check(options));
        Assert.Throws<InvalidOperationException>(() => TrackerFactory.Identity(options with { Weights = _dir.File("absent.pth") }));
        Assert.Equal("cotracker3-online/v1?iterations=6&window=16&step=8&visibility=conf*vis>0.6", TrackerFactory.Identity(options with { Name = "cotracker3-online" }).Key);

        // Offline weights are not online weights: the 60-frame time embedding does not fit the 16-frame model.
        var e = Assert.Throws<InvalidOperationException>(() => TrackerFactory.Check(options with { Name = "cotracker3-online", Weights = wrapped }));
        Assert.Contains("time_emb: file [1, 60, 1110], model [1, 16, 1110]", e.Message);
        Assert.Contains("scaled_online.pth", e.Message);
    }
}
