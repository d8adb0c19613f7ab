using MoSiC.Stream.Model.CoTracker;

namespace MoSiC.Stream.Tests.Model.CoTracker;

/// <summary>The window plan of long clips: every frame kept exactly once, windows bounded, each anchored on the previous.</summary>
public class CoTrackerWindowPlanTests
{
    [Theory]
    [InlineData(1, 60, 12)]
    [InlineData(60, 60, 12)]
    [InlineData(61, 60, 12)]
    [InlineData(109, 60, 12)]
    [InlineData(500, 60, 12)]
    [InlineData(14, 8, 4)]
    [InlineData(9, 8, 0)]
    public void Windows_cover_the_clip_once_with_bounded_length_and_a_shared_frame(int frames, int window, int overlap)
    {
        var plan = TrackWindows.Plan(frames, window, overlap);

        Assert.Equal(0, plan[0].Start);
        Assert.Equal(0, plan[0].Cut);
        Assert.Equal(frames, plan[^1].End);
        Assert.All(plan, w => Assert.Equal(Math.Min(frames, window), w.Length));
        for (int k = 1; k < plan.Count; k++)
        {
            TrackWindow previous = plan[k - 1], w = plan[k];
            Assert.True(w.Start < previous.End, $"window {k} starts at {w.Start}, after the previous one ends at {previous.End}");
            Assert.True(w.Start > previous.Start, $"window {k} does not advance");
            Assert.InRange(w.Cut, w.Start, previous.End);
            Assert.True(w.Cut > previous.Cut);
        }

        // Windows are kept in order, each from its cut on: every frame is written by some window.
        Assert.All(Enumerable.Range(0, frames), f => Assert.Contains(plan, w => f >= w.Cut && f < w.End));
    }

    [Fact]
    public void A_long_clip_is_split_window_minus_overlap_apart_and_the_last_window_ends_with_the_clip()
    {
        var plan = TrackWindows.Plan(130, 60, 12);
        Assert.Equal([new TrackWindow(0, 60, 0), new TrackWindow(48, 108, 54), new TrackWindow(70, 130, 89)], plan);
    }
}
