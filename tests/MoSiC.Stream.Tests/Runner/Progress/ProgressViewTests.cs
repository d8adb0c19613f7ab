using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Progress;
using MoSiC.Stream.Tests.Support;
using Spectre.Console;

namespace MoSiC.Stream.Tests.Runner.Progress;

public class ProgressViewTests
{
    private static IAnsiConsole Console(TextWriter output, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        return console;
    }

    /// <summary>Work after the view started (rates and the bottleneck are over the view's time): track busier than decode.</summary>
    private static void Work(PipelineStats stats)
    {
        stats.Stages[0].Busy(MadeUpSnapshots.Ticks(0.001));
        stats.Stages[1].Busy(MadeUpSnapshots.Ticks(0.005));
    }

    /// <summary>decode → track, three of ten videos done.</summary>
    private static PipelineStats Running()
    {
        var stats = new PipelineStats();
        var decode = stats.Stage("decode", 1);
        var track = stats.Stage("track", 1);
        var buffer = stats.Queue("decode→track", 4, 4_000_000);
        for (int i = 0; i < 6; i++)
        {
            decode.Received(0);
            decode.Sent(1_000_000);
        }
        buffer.Entered(1_000_000);
        stats.Run.VideosTotal = 10;
        for (int i = 0; i < 3; i++) stats.Run.VideoDone();
        stats.Run.VideoFailed();
        stats.Run.Tracked(12);
        stats.Run.Cached(4);
        return stats;
    }

    [Fact]
    public void The_plain_line_reports_videos_clips_steps_rates_and_the_bottleneck()
    {
        string line = ProgressLine.Format(MadeUpSnapshots.TrackBound());

        // Train in clips/s and steps/s; the ETA is the trainer's (15 steps left at 0.25/s), longer than the videos' (21 s).
        Assert.Equal("[00:01:40] videos 30/40 (1 failed) clips tracked 110 cached 10 | train step 25/40 loss 3.2100 "
            + "| decode 4.0/s track 1.2/s train 1.0 clips/s 0.25 steps/s | bottleneck now: track | eta 00:01:00", line);
    }

    [Fact]
    public void The_plain_line_uses_the_span_for_rates_and_leaves_out_what_is_not_known_yet()
    {
        var now = new PipelineSnapshot(TimeSpan.FromSeconds(30), [MadeUpSnapshots.Stage("decode", 1, 20, 1, 20, 0)], [],
            new RunSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, double.NaN));
        var earlier = now with { Elapsed = TimeSpan.FromSeconds(20), Stages = [MadeUpSnapshots.Stage("decode", 1, 10, 0.5, 10, 0)] };

        Assert.Equal("[00:00:30] videos 0/? clips tracked 0 cached 0 | decode 1.0/s | bottleneck now: decode", ProgressLine.Format(now, now.Since(earlier)));
        Assert.Equal("27:46:40", ProgressLine.Clock(TimeSpan.FromSeconds(100_000)));
        Assert.Null(ProgressLine.Eta(now));
    }

    [Fact]
    public async Task Plain_mode_prints_a_line_every_interval_and_the_end_state_on_dispose()
    {
        var stats = Running();
        var output = new StringWriter();
        var view = ProgressView.Start(stats, "mosic-stream run", new ProgressOptions { PlainOutput = output, PlainInterval = TimeSpan.FromMilliseconds(40) });
        Assert.False(view.Interactive);
        Work(stats);
        await Task.Delay(250);
        view.Log("a message [not markup]");
        stats.Run.VideoDone();
        await view.DisposeAsync();
        await view.DisposeAsync();

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("mosic-stream run: started", lines[0]);
        Assert.Contains("a message [not markup]", lines);
        var progress = lines.Where(l => l.StartsWith('[') && l.Contains("videos")).ToList();
        Assert.True(progress.Count >= 2, output.ToString());
        Assert.All(progress, l => Assert.Contains("(1 failed) clips tracked 12 cached 4 | decode", l));
        Assert.Contains("videos 4/10", lines[^1]);
        Assert.Contains("bottleneck now: track", lines[1]);
    }

    [Fact]
    public async Task A_console_that_is_not_interactive_gets_plain_unwrapped_lines()
    {
        var output = new StringWriter();
        var console = Console(output, interactive: false);
        console.Profile.Width = 40;
        var stats = Running();
        var view = ProgressView.Start(stats, "run", new ProgressOptions { Console = console, PlainInterval = TimeSpan.FromHours(1) });
        Assert.False(view.Interactive);
        Work(stats);
        await view.DisposeAsync();

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("[00:00:0", lines[1]);
        Assert.Contains("| bottleneck now: track", lines[1]);
    }

    [Fact]
    public async Task An_interactive_console_gets_the_live_table_and_logged_lines()
    {
        var output = new StringWriter();
        var console = Console(output, interactive: true);
        var stats = Running();
        var view = ProgressView.Start(stats, "mosic-stream run", new ProgressOptions { Console = console, RefreshInterval = TimeSpan.FromMilliseconds(20) });
        Assert.True(view.Interactive);
        Work(stats);
        await Task.Delay(150);
        view.Log("a message [not markup]");
        await view.DisposeAsync();

        string text = output.ToString();
        // Issue #20's compact panel: the bottleneck in the title line, the buffer on the row of the stage it feeds,
        // and "decoded" where it said "done" (a video counted while its tracking was still going).
        foreach (string expected in new[] { "mosic-stream run", "decode", "track ◀", "bottleneck:", "1/4", "decoded 3/10, 1 failed", "a message [not markup]" })
            Assert.Contains(expected, text);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ProgressView.Start(new PipelineStats(), "run", new ProgressOptions { PlainInterval = TimeSpan.Zero, PlainOutput = TextWriter.Null }));
        Assert.Contains("progress.plainInterval", error.Message);
    }
}
