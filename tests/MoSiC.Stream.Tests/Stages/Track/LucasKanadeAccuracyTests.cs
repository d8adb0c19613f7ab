using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Eval.Tracking;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Stages.Track.LucasKanade;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Stages.Track;

/// <summary>
/// Lucas-Kanade against dense synthetic ground truth. Thresholds come from a first measurement (seed 7, 3 videos:
/// δ_avg 0.76–0.79, mean 0.78, against the static baseline's 0.18–0.22; hidden cells found hidden 0.52–0.70, mean 0.64) with a safety
/// margin, and the static baseline (a tracker that returns its queries) must fail every one of them.
/// </summary>
[Collection(TrackingCorpusCollection.Name)]
public sealed class LucasKanadeAccuracyTests(TrackingCorpusFixture corpus)
{
    private const double MinDelta = 0.65;
    private const double MinMarginOverStatic = 0.4;
    private const double MinHiddenRecall = 0.5;

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [SkippableFact]
    public async Task LK_beats_the_static_baseline_by_a_clear_margin_and_finds_most_hidden_points()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        await using var lk = new LucasKanadeTracker(new LucasKanadeOptions(), threads: 2);
        await using var still = new StaticTracker();
        var tracked = new List<TapVidMetrics>();
        var baseline = new List<TapVidMetrics>();
        foreach (TrackingGroundTruth sequence in corpus.Truths)
        {
            var (video, truth) = await TrackAccuracy.LoadAsync(sequence, int.MaxValue, 1, CancellationToken.None);
            using (video)
            {
                Assert.Equal(TrackingCorpusFixture.Options.Frames, truth.Frames);
                tracked.Add((await TrackAccuracy.ScoreAsync(lk, truth, video, CancellationToken.None)).Metrics);
                baseline.Add((await TrackAccuracy.ScoreAsync(still, truth, video, CancellationToken.None)).Metrics);
            }
        }

        TapVidMetrics lkMean = TapVidMetrics.Mean(tracked), staticMean = TapVidMetrics.Mean(baseline);
        Assert.True(Passes(lkMean, staticMean), $"LK δ_avg {lkMean.PositionAccuracy:0.000}, hidden recall {lkMean.HiddenRecall:0.000}; static δ_avg {staticMean.PositionAccuracy:0.000}");
        Assert.All(tracked.Zip(baseline), pair => Assert.True(pair.First.PositionAccuracy > pair.Second.PositionAccuracy + 0.3,
            $"per video: LK {pair.First.PositionAccuracy:0.000} vs static {pair.Second.PositionAccuracy:0.000}"));
        Assert.True(lkMean.AverageJaccard > 2 * staticMean.AverageJaccard);

        // The thresholds can fail: a tracker that returns its query points does.
        Assert.False(Passes(staticMean, staticMean));
    }

    private static bool Passes(TapVidMetrics tracker, TapVidMetrics still) =>
        tracker.PositionAccuracy >= MinDelta
        && tracker.PositionAccuracy >= still.PositionAccuracy + MinMarginOverStatic
        && tracker.HiddenRecall >= MinHiddenRecall;

    [SkippableFact]
    public async Task A_batch_gives_the_same_tracks_as_one_clip_at_a_time()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var videos = new List<DecodedVideo>();
        try
        {
            foreach (TrackingGroundTruth truth in corpus.Truths)
            {
                videos.Add(await DecodedVideo.LoadAsync(truth.Source, new DecodeOptions(), 16, 1, CancellationToken.None));
            }

            // Clips of different videos and different start frames, tracked from a grid.
            TrackClip[] clips = videos.Select((v, i) => new TrackClip($"clip{i}", v.Pixels.Skip(i).Take(12).ToArray())).ToArray();
            QuerySpec grid = QuerySpec.Grid(8);
            await using var lk = new LucasKanadeTracker(new LucasKanadeOptions(), threads: 2);
            TrackResult together = await lk.TrackAsync(new ClipBatch(videos[0].Width, videos[0].Height, clips), grid, CancellationToken.None);

            Assert.Equal((clips.Length, 12, 64), (together.Clips, together.Frames, together.Points));
            for (int b = 0; b < clips.Length; b++)
            {
                TrackResult alone = await lk.TrackAsync(new ClipBatch(videos[0].Width, videos[0].Height, [clips[b]]), grid, CancellationToken.None);
                TrackResult slice = together.Slice(b);
                Assert.Equal(alone.Positions, slice.Positions);
                Assert.Equal(alone.Visible, slice.Visible);
            }

            // Query frame 0 is the query itself, visible.
            Assert.All(Enumerable.Range(0, 64), p =>
            {
                Assert.True(together.IsVisible(1, 0, p));
                Assert.Equal(together.Queries[p].X, together.X(1, 0, p));
            });
        }
        finally
        {
            videos.ForEach(v => v.Dispose());
        }
    }

    [SkippableFact]
    public async Task Points_before_their_query_frame_are_hidden_at_the_query_position()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        using DecodedVideo video = await DecodedVideo.LoadAsync(corpus.Truths[0].Source, new DecodeOptions(), 10, 1, CancellationToken.None);
        await using var lk = new LucasKanadeTracker(new LucasKanadeOptions(), threads: 1);
        var query = new TrackQuery(4, 150.5f, 100.25f);
        TrackResult r = await lk.TrackAsync(new ClipBatch(video.Width, video.Height, [new TrackClip("c", video.Pixels)]), QuerySpec.Explicit([query]), CancellationToken.None);
        for (int t = 0; t < 4; t++)
        {
            Assert.False(r.IsVisible(0, t, 0));
            Assert.Equal((150.5f, 100.25f), (r.X(0, t, 0), r.Y(0, t, 0)));
        }

        Assert.True(r.IsVisible(0, 4, 0));
    }

    [Fact]
    public void Tracker_identity_names_every_setting_that_changes_output()
    {
        var a = new LucasKanadeTracker(new LucasKanadeOptions(), 1).Identity;
        var b = new LucasKanadeTracker(new LucasKanadeOptions { ForwardBackwardPixels = 2 }, 4).Identity;
        Assert.Equal("lk/v1?window=21&levels=3&iterations=30&epsilon=0.01&mineig=0.0001&fb=1&refind=1", a.Key);
        Assert.NotEqual(a.Key, b.Key);
        // Threads do not change tracks, so they are not part of the identity.
        Assert.Equal(a.Key, new LucasKanadeTracker(new LucasKanadeOptions(), 2).Identity.Key);
    }

    [Fact]
    public void Bad_LK_settings_are_rejected_naming_the_field()
    {
        var e = Assert.Throws<OptionsException>(() => new LucasKanadeTracker(new LucasKanadeOptions { Window = 20 }, 1));
        Assert.Contains("tracker.lk.window must be an odd number in 3..101, got 20", e.Message);
    }
}
