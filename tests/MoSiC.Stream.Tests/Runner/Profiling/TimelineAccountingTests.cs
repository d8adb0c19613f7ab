using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;
using MoSiC.Stream.Runner.Progress;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Runner.Profiling;

/// <summary>
/// A synthetic timeline with known long items: busy, starved and blocked time lands in every interval it spans
/// (including waits still in progress when a sample is taken), and the timeline, profile.json and the summary table
/// agree.
/// </summary>
public sealed class TimelineAccountingTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    [Fact]
    public void A_two_second_step_is_busy_in_all_eight_intervals_it_spans()
    {
        var clock = new ManualClock();
        var stats = new PipelineStats(clock);
        StageStats train = stats.Stage("train", 1);
        WorkerClock worker = train.Worker();
        var recorder = new TimelineRecorder(stats, new TimelineOptions { Interval = Tick, Time = clock });

        void Run(WorkerState state, int ticks)
        {
            worker.Enter(state);
            for (int i = 0; i < ticks; i++)
            {
                clock.Advance(Tick);
                recorder.Sample();
            }
        }

        Run(WorkerState.Starved, 2); // waiting for the first batch: a wait still in progress at both samples
        Run(WorkerState.Busy, 8);    // one 2 s step
        Run(WorkerState.Blocked, 1);
        Run(WorkerState.Idle, 1);

        double[] busy = [.. recorder.Samples.Select(s => s.Stages.Single().Busy)];
        double[] starved = [.. recorder.Samples.Select(s => s.Stages.Single().Starved)];
        Assert.Equal([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], busy);
        Assert.Equal([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], starved);
        Assert.Equal(1, recorder.Samples[10].Stages.Single().Blocked);
        StageSnapshot total = train.Snapshot();
        Assert.Equal((2.0, 0.5, 0.25), (total.BusySeconds, total.StarvedSeconds, total.BlockedSeconds));
    }

    [Fact]
    public void Items_that_start_and_end_inside_intervals_split_exactly_and_the_pictures_agree_with_the_table()
    {
        var clock = new ManualClock();
        var stats = new PipelineStats(clock);
        StageStats decode = stats.Stage("decode", 2);
        WorkerClock a = decode.Worker(), b = decode.Worker();
        StageStats train = stats.Stage("train", 1);
        WorkerClock t = train.Worker();
        var recorder = new TimelineRecorder(stats, new TimelineOptions { Interval = Tick, Time = clock });
        var step = TimeSpan.FromMilliseconds(50);
        var random = new Random(17);
        // 30 s of made-up work in 50 ms steps, every state change off the sampling grid: long items (up to 3 s),
        // short ones, and two decode workers that overlap.
        for (int i = 0; i < 600; i++)
        {
            if (random.Next(20) == 0) a.Enter((WorkerState)random.Next(4));
            if (random.Next(10) == 0) b.Enter((WorkerState)random.Next(4));
            if (random.Next(60) == 0) t.Enter(random.Next(3) == 0 ? WorkerState.Starved : WorkerState.Busy);
            clock.Advance(step);
            if (i % 5 == 4) recorder.Sample();
        }

        var report = ProfileReport.Create(stats.Snapshot(), recorder.Samples);
        Assert.All(report.Stages, s => Assert.InRange(s.Busy + s.Starved + s.Blocked, 0, 1 + 1e-9));
        Assert.All(recorder.Samples.SelectMany(s => s.Stages), s => Assert.InRange(s.Busy + s.Starved + s.Blocked, 0, 1 + 1e-9));
        Assert.Equal(report.Stages.Select(s => s.Name), report.TimelineTotals.Select(t => t.Name));
        Assert.All(report.TimelineTotals, t => Assert.InRange(t.Difference, 0, 1e-9));

        // The summary table says the same.
        var table = SummaryTable.PlainLines(stats.Snapshot());
        foreach (StageProfile stage in report.Stages)
        {
            string[] row = table.Single(l => l.StartsWith(stage.Name + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string Pct(double f) => (f * 100).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "%";
            Assert.Equal([Pct(stage.Busy), Pct(stage.Starved), Pct(stage.Blocked)], row[^3..]);
        }
    }

    [Fact]
    public void The_recent_rate_of_a_stage_that_hands_nothing_on_is_what_it_takes_and_the_trainer_shows_clips_and_steps()
    {
        var clock = new ManualClock();
        var stats = new PipelineStats(clock);
        StageStats train = stats.Stage("train", 1);
        stats.Run.StepsTotal = 24;
        var earlier = stats.Snapshot();
        for (int i = 0; i < 8; i++) train.Received(0);
        stats.Run.Stepped(1, 4, 3.0);
        stats.Run.Stepped(2, 4, 2.9);
        clock.Advance(TimeSpan.FromSeconds(4));
        var now = stats.Snapshot();
        var span = now.Since(earlier);

        Assert.Equal(2, train.Snapshot().ItemsPerSecond(span.Elapsed));
        Assert.Equal((2.0, 0.5), span.TrainRates());
        string line = ProgressLine.Format(now, span);
        Assert.Contains("train 2.0 clips/s 0.50 steps/s", line);
        // 22 steps left at 0.5 steps/s.
        Assert.Equal(TimeSpan.FromSeconds(44), ProgressLine.Eta(now, span));
        Assert.Contains("eta 00:00:44", line);
    }
}
