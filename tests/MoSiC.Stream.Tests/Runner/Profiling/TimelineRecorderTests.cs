using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Runner.Profiling;

public class TimelineRecorderTests
{
    [Fact]
    public void A_sample_holds_each_stage_s_fractions_of_its_workers_time_and_each_buffer_s_depth()
    {
        var clock = new ManualClock();
        var stats = new PipelineStats(clock);
        var track = stats.Stage("track", workers: 2);
        var buffer = stats.Queue("decode→track", 8, 100);
        track.Busy(MadeUpSnapshots.Ticks(5)); // before the recorder starts: not part of any sample
        var recorder = new TimelineRecorder(stats, new TimelineOptions { Time = clock });

        clock.Advance(TimeSpan.FromSeconds(2));
        track.Busy(MadeUpSnapshots.Ticks(3));
        track.Starved(MadeUpSnapshots.Ticks(0.5));
        track.Blocked(MadeUpSnapshots.Ticks(0.2));
        track.Sent(0);
        track.Sent(0);
        buffer.Entered(40);
        buffer.Entered(20);
        var sample = recorder.Sample();

        Assert.NotNull(sample);
        Assert.Equal(TimeSpan.FromSeconds(2), sample.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(2), sample.Duration);
        var s = Assert.Single(sample.Stages);
        Assert.Equal(0.75, s.Busy, 6);     // 3 s of 2 s × 2 workers
        Assert.Equal(0.125, s.Starved, 6);
        Assert.Equal(0.05, s.Blocked, 6);
        Assert.Equal(1, s.ItemsOutPerSecond, 6);
        var q = Assert.Single(sample.Queues);
        Assert.Equal((2, 60, 2L, 60L), (q.Items, q.Bytes, q.MaxItems, q.MaxBytes));
        Assert.Equal(0.25, q.Fill, 6);

        Assert.Null(recorder.Sample()); // no time passed: nothing to measure
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, recorder.Sample()!.Stages[0].Busy);
        Assert.Equal(2, recorder.Samples.Count);
    }

    [Fact]
    public void Past_the_bound_samples_merge_in_pairs_keeping_time_and_weighted_means()
    {
        var clock = new ManualClock();
        var stats = new PipelineStats(clock);
        var stage = stats.Stage("decode", 1);
        var buffer = stats.Queue("decode→track", 10, null);
        var recorder = new TimelineRecorder(stats, new TimelineOptions { Time = clock, Interval = TimeSpan.FromSeconds(1), MaxSamples = 8 });

        double busyTotal = 0;
        for (int i = 1; i <= 100; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            double busy = i % 4 / 4.0;
            busyTotal += busy;
            stage.Busy(MadeUpSnapshots.Ticks(busy));
            buffer.Entered(0);
            if (i % 2 == 0) buffer.Left(0);
            recorder.Sample();
            Assert.InRange(recorder.Samples.Count, 1, 8);
        }

        var samples = recorder.Samples;
        Assert.Equal(TimeSpan.FromSeconds(100), TimeSpan.FromTicks(samples.Sum(s => s.Duration.Ticks)));
        Assert.Equal(TimeSpan.FromSeconds(100), samples[^1].Elapsed);
        for (int i = 1; i < samples.Count; i++) Assert.Equal(samples[i - 1].Elapsed, samples[i].Start);
        Assert.Equal(busyTotal / 100, samples.Sum(s => s.Duration.TotalSeconds * s.Stages[0].Busy) / 100, 6);
        Assert.Equal(50, samples[^1].Queues[0].MaxItems);
        Assert.True(recorder.Resolution >= TimeSpan.FromSeconds(16), $"resolution {recorder.Resolution}");
        // Every stored sample but the newest covers exactly one resolution step.
        Assert.All(samples.SkipLast(1), s => Assert.Equal(recorder.Resolution, s.Duration));
    }

    [Fact]
    public async Task Started_recorder_samples_on_its_own_and_once_more_on_dispose()
    {
        var stats = new PipelineStats();
        stats.Stage("decode", 1);
        var recorder = TimelineRecorder.Start(stats, new TimelineOptions { Interval = TimeSpan.FromMilliseconds(20) });
        await Task.Delay(200);
        await recorder.DisposeAsync();
        int count = recorder.Samples.Count;
        Assert.InRange(count, 2, 20);
        await recorder.DisposeAsync();
        Assert.Equal(count, recorder.Samples.Count);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(-1, 10)]
    [InlineData(250, 1)]
    public void Invalid_options_are_refused_when_the_recorder_is_built(int intervalMs, int maxSamples)
    {
        var options = new TimelineOptions { Interval = TimeSpan.FromMilliseconds(intervalMs), MaxSamples = maxSamples };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TimelineRecorder(new PipelineStats(), options));
        Assert.Contains("timeline.", error.Message);
    }
}
