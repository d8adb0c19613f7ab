using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Shuffle;

namespace MoSiC.Stream.Tests.Graph.Shuffle;

public sealed class PlanOrderTests
{
    private static StreamEntry Clip(int video, int clip) => new(video, clip, StreamEntryKind.Clip);

    private static StreamEntry End(int video, int count) => new(video, -1, StreamEntryKind.VideoEnd, Count: count);

    private static string[] Names(IEnumerable<StreamEntry> entries) => [.. entries.Select(e => $"{e.Video}.{e.Clip}{(e.Kind == StreamEntryKind.Trained ? "t" : "")}")];

    [Fact]
    public void Entries_leave_in_plan_order_whatever_order_they_arrive_in()
    {
        using var order = new PlanOrder(4);
        var released = new List<StreamEntry>();
        // Video 1's hits and end come first; video 0's tracked clips come back later, out of order.
        foreach (StreamEntry e in new[] { Clip(1, 1), Clip(1, 0), End(1, 2), Clip(0, 2), End(0, 3), Clip(0, 0) })
        {
            released.AddRange(order.Add(e));
            Assert.Empty(released);
        }

        released.AddRange(order.Add(Clip(0, 1)));
        Assert.Equal(["0.0", "0.1", "0.2", "1.0", "1.1"], Names(released));
        Assert.Empty(order.Rest());
    }

    [Fact]
    public void Lost_clips_count_toward_their_video_and_trained_places_keep_theirs()
    {
        using var order = new PlanOrder(4);
        Assert.Empty(order.Add(new StreamEntry(0, 1, StreamEntryKind.Lost)));
        Assert.Empty(order.Add(new StreamEntry(0, 0, StreamEntryKind.Trained)));
        Assert.Empty(order.Add(Clip(0, 2)));
        Assert.Equal(["0.0t", "0.2"], Names(order.Add(End(0, 3))));
    }

    [Fact]
    public void A_video_that_sent_nothing_releases_the_next_one()
    {
        using var order = new PlanOrder(4);
        Assert.Empty(order.Add(Clip(1, 0)));
        Assert.Empty(order.Add(End(1, 1)));
        Assert.Equal(["1.0"], Names(order.Add(End(0, 0))));
    }

    [Fact]
    public async Task At_most_window_videos_are_let_in_before_the_first_is_released()
    {
        using var order = new PlanOrder(2);
        await order.EnterAsync(default);
        await order.EnterAsync(default);
        Task third = order.EnterAsync(default);
        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        // Video 1 completing first frees nothing: video 0 is still held.
        order.Add(End(1, 0));
        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        order.Add(End(0, 0));
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        // Both videos left, so one more slot is free beyond the third.
        await order.EnterAsync(default).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Rest_hands_on_videos_cut_short_in_plan_order()
    {
        using var order = new PlanOrder(4);
        order.Add(Clip(2, 0));
        order.Add(Clip(1, 1));
        order.Add(Clip(1, 0));
        Assert.Equal(["1.0", "1.1", "2.0"], Names(order.Rest()));
    }
}
