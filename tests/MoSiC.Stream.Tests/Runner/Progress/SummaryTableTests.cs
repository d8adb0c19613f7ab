using MoSiC.Stream.Runner.Progress;
using MoSiC.Stream.Tests.Support;
using Spectre.Console;

namespace MoSiC.Stream.Tests.Runner.Progress;

public class SummaryTableTests
{
    [Fact]
    public void Plain_summary_aligns_stage_rows_and_adds_the_run_counts()
    {
        var output = new StringWriter();

        SummaryTable.Write(MadeUpSnapshots.TrackBound(), output);

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["stage", "workers", "items", "in", "items", "out", "items/s", "busy", "starved", "blocked"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["track", "2", "120", "120", "1.20", "97%", "2%", "1%"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["decode", "1", "400", "400", "4.00", "15%", "5%", "80%"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Single(lines[..4].Select(l => l.Length).Distinct()); // columns line up
        Assert.Equal("run time 00:01:40", lines[4]);
        Assert.Equal("videos 30 done, 1 failed, 2 skipped of 40", lines[5]);
        Assert.Equal("clips tracked 110, cached 10, trained 100", lines[6]);
        Assert.Equal("trainer step 25/40, loss 3.2100", lines[7]);
        Assert.StartsWith("bottleneck: track (track busy 97%", lines[8]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_console_gets_a_table_when_interactive_and_plain_text_when_not(bool interactive)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 120;

        SummaryTable.Write(MadeUpSnapshots.TrackBound(), console);

        string text = output.ToString();
        Assert.Contains("videos 30 done, 1 failed, 2 skipped of 40", text);
        Assert.Contains("track", text);
        Assert.Contains("97%", text);
        Assert.Equal(interactive, text.Contains("run summary"));
        if (!interactive)
        {
            var plain = new StringWriter();
            SummaryTable.Write(MadeUpSnapshots.TrackBound(), plain);
            Assert.Equal(plain.ToString(), text);
        }
    }
}
