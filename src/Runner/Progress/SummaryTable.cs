using System.Globalization;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;
using Spectre.Console;

namespace MoSiC.Stream.Runner.Progress;

/// <summary>
/// The table printed when a run ends: per stage items in and out, items/s, busy, starved and blocked over the run;
/// then the run's counts and the bottleneck. A Spectre table on an interactive terminal, aligned plain text elsewhere.
/// </summary>
public static class SummaryTable
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private static readonly string[] Header = ["stage", "workers", "items in", "items out", "items/s", "busy", "starved", "blocked"];

    /// <summary>Writes the summary as plain text.</summary>
    public static void Write(PipelineSnapshot final, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(final);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (string line in PlainLines(final)) writer.WriteLine(line);
    }

    /// <summary>Writes the summary to <paramref name="console"/>: a table when it is interactive, plain text when not.</summary>
    public static void Write(PipelineSnapshot final, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(final);
        ArgumentNullException.ThrowIfNull(console);
        if (!console.Profile.Capabilities.Interactive)
        {
            // Straight to the console's writer: Spectre would wrap long lines at its guessed width.
            Write(final, console.Profile.Out.Writer);
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title("run summary");
        table.AddColumn(Header[0]);
        foreach (string column in Header.Skip(1)) table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var row in Rows(final)) table.AddRow(row.Select(Markup.Escape).ToArray());
        console.Write(table);
        foreach (string line in RunLines(final)) console.WriteLine(line);
    }

    /// <summary>The plain-text summary, one string a line.</summary>
    public static IReadOnlyList<string> PlainLines(PipelineSnapshot final)
    {
        ArgumentNullException.ThrowIfNull(final);
        var rows = new List<string[]> { Header };
        rows.AddRange(Rows(final));
        int[] widths = [.. Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length))];
        // Names left, numbers right, as in the table.
        var lines = rows.Select(r => string.Join("  ", r.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd()).ToList();
        lines.AddRange(RunLines(final));
        return lines;
    }

    private static IEnumerable<string[]> Rows(PipelineSnapshot final) => final.Stages.Select(s =>
    {
        var (busy, starved, blocked) = s.Fractions(final.Elapsed);
        return new[]
        {
            s.Name, s.Workers.ToString(C), s.ItemsIn.ToString(C), s.ItemsOut.ToString(C), s.ItemsPerSecond(final.Elapsed).ToString("0.00", C),
            Pct(busy), Pct(starved), Pct(blocked),
        };
    });

    private static IEnumerable<string> RunLines(PipelineSnapshot final)
    {
        var r = final.Run;
        yield return $"run time {ProgressLine.Clock(final.Elapsed)}";
        yield return string.Format(C, "videos {0} done, {1} failed, {2} skipped of {3}", r.VideosDone, r.VideosFailed, r.VideosSkipped, r.VideosTotal);
        yield return string.Format(C, "clips tracked {0}, cached {1}, trained {2}", r.ClipsTracked, r.ClipsCached, r.ClipsTrained);
        if (r.StepsTotal > 0 || r.Step > 0)
            yield return string.Format(C, "trainer step {0}/{1}", r.Step, r.StepsTotal) + (double.IsNaN(r.Loss) ? "" : string.Format(C, ", loss {0:0.0000}", r.Loss));
        if (Bottleneck.Find(final) is { } b) yield return $"bottleneck: {b.Stage} ({b.Reason})";
    }

    private static string Pct(double fraction) => (fraction * 100).ToString("0", C) + "%";
}
