using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Runner.Profiling;

public class BottleneckTests
{
    [Fact]
    public void The_busiest_stage_is_named_with_its_neighbours_waits()
    {
        var bottleneck = Bottleneck.Find(MadeUpSnapshots.TrackBound());

        Assert.NotNull(bottleneck);
        Assert.Equal("track", bottleneck.Stage);
        Assert.Equal(0.97, bottleneck.Busy, 6);
        Assert.Equal("track busy 97% of its time; decode blocked 80% waiting for it; train starved 70%", bottleneck.Reason);
    }

    [Fact]
    public void A_near_tie_goes_to_the_stage_with_the_full_input_and_the_starved_consumer()
    {
        // decode is a shade busier, but track's input is full and train waits on track: track holds the run back.
        var run = new PipelineSnapshot(TimeSpan.FromSeconds(10),
            [MadeUpSnapshots.Stage("decode", 1, 10, 9.3, 0, 0.5), MadeUpSnapshots.Stage("track", 1, 10, 9.0, 0.2, 0), MadeUpSnapshots.Stage("train", 1, 10, 2, 7, 0)],
            [new QueueSnapshot("decode→track", 4, null, 4, 0), new QueueSnapshot("track→train", 4, null, 0, 0)],
            new RunSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, double.NaN));

        Assert.Equal("track", Bottleneck.Find(run)!.Stage);
        // Outside the tie margin the busier stage wins whatever the buffers say.
        var clear = run with { Stages = [run.Stages[0] with { BusySeconds = 9.9 }, run.Stages[1] with { BusySeconds = 8.0 }, run.Stages[2]] };
        Assert.Equal("decode", Bottleneck.Find(clear)!.Stage);
    }

    [Fact]
    public void Without_named_buffers_neighbours_in_graph_order_stand_in()
    {
        var run = new PipelineSnapshot(TimeSpan.FromSeconds(10),
            [MadeUpSnapshots.Stage("a", 1, 1, 1, 0, 6), MadeUpSnapshots.Stage("b", 1, 1, 9, 0, 0), MadeUpSnapshots.Stage("c", 1, 1, 1, 5, 0)],
            [], new RunSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, double.NaN));

        Assert.Equal("b busy 90% of its time; a blocked 60% waiting for it; c starved 50%", Bottleneck.Find(run)!.Reason);
    }

    [Fact]
    public void No_work_names_no_bottleneck()
    {
        var idle = new PipelineSnapshot(TimeSpan.FromSeconds(1), [MadeUpSnapshots.Stage("decode", 1, 0, 0, 1, 0)], [],
            new RunSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, double.NaN));
        Assert.Null(Bottleneck.Find(idle));
        Assert.Null(Bottleneck.Find(idle with { Stages = [] }));
    }

    [Fact]
    public void Since_gives_the_stage_totals_of_the_span_between_two_snapshots()
    {
        var end = MadeUpSnapshots.TrackBound();
        var start = end with
        {
            Elapsed = TimeSpan.FromSeconds(90),
            Stages = [end.Stages[0] with { BusySeconds = 5, ItemsOut = 300 }, end.Stages[1] with { BusySeconds = 194 }],
        };

        var span = end.Since(start);

        Assert.Equal(TimeSpan.FromSeconds(10), span.Elapsed);
        Assert.Equal((10.0, 100L), (span.Stages[0].BusySeconds, span.Stages[0].ItemsOut));
        Assert.Equal(0, span.Stages[1].BusySeconds);
        Assert.Equal(end.Stages[2], span.Stages[2]); // new in the span: counts from zero
        Assert.Equal(1.0, span.Stages[0].Fractions(span.Elapsed).Busy, 6);
    }
}
