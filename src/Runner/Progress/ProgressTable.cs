using System.Globalization;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MoSiC.Stream.Runner.Progress;

/// <summary>The live view's picture: stages, buffers and the run's counts, redrawn on every refresh.</summary>
internal static class ProgressTable
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The picture for <paramref name="now"/>, with rates over <paramref name="span"/>.</summary>
    public static IRenderable Render(string title, PipelineSnapshot now, PipelineSnapshot span)
    {
        var bottleneck = Bottleneck.Find(span);
        var stages = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{title}  {ProgressLine.Clock(now.Elapsed)}"));
        stages.AddColumn("stage");
        foreach (string column in new[] { "workers", "items/s", "busy", "starved", "blocked" }) stages.AddColumn(new TableColumn(column).RightAligned());
        foreach (var s in span.Stages)
        {
            var (busy, starved, blocked) = s.Fractions(span.Elapsed);
            string name = Markup.Escape(s.Name);
            stages.AddRow(
                s.Name == bottleneck?.Stage ? $"[bold yellow]{name}[/] (bottleneck)" : name,
                s.Workers.ToString(C), ProgressLine.RateText(s, span), Pct(busy), Pct(starved), Pct(blocked));
        }

        var queues = new Table().Border(TableBorder.Rounded);
        queues.AddColumn("buffer");
        queues.AddColumn(new TableColumn("items").RightAligned());
        queues.AddColumn(new TableColumn("MB").RightAligned());
        queues.AddColumn(new TableColumn("fill").RightAligned());
        foreach (var q in now.Queues)
        {
            double fill = q.Capacity > 0 ? Math.Clamp((double)q.Count / q.Capacity, 0, 1) : 0;
            string mb = q.ByteCapacity is { } cap
                ? string.Format(C, "{0:0.0}/{1:0.0}", q.Bytes / 1e6, cap / 1e6)
                : string.Format(C, "{0:0.0}", q.Bytes / 1e6);
            queues.AddRow(Markup.Escape(q.Name), string.Format(C, "{0}/{1}", q.Count, q.Capacity), mb, Bar(fill));
        }

        var r = now.Run;
        var run = new Grid().AddColumn().AddColumn();
        string videos = string.Format(C, "{0}/{1} done, {2} failed, {3} skipped", r.VideosDone, r.VideosTotal > 0 ? r.VideosTotal : "?", r.VideosFailed, r.VideosSkipped);
        if (ProgressLine.Eta(now, span) is { } eta) videos += $", eta {ProgressLine.Clock(eta)}";
        run.AddRow("[bold]videos[/]", videos);
        run.AddRow("[bold]clips[/]", string.Format(C, "tracked {0}, cached {1}, trained {2}", r.ClipsTracked, r.ClipsCached, r.ClipsTrained));
        if (r.StepsTotal > 0 || r.Step > 0)
            run.AddRow("[bold]trainer[/]", string.Format(C, "step {0}/{1}", r.Step, r.StepsTotal) + (double.IsNaN(r.Loss) ? "" : string.Format(C, ", loss {0:0.0000}", r.Loss)));
        if (bottleneck is not null) run.AddRow("[bold]bottleneck[/]", Markup.Escape(bottleneck.Reason));

        return new Rows(stages, queues, run);
    }

    private static string Pct(double fraction) => (fraction * 100).ToString("0", C) + "%";

    // A ten-cell bar reads faster than a number when the eye scans for the full buffer.
    private static string Bar(double fill)
    {
        int cells = (int)Math.Round(fill * 10);
        string colour = fill >= 0.9 ? "red" : fill >= 0.5 ? "yellow" : "green";
        return $"[{colour}]{new string('█', cells)}[/][grey]{new string('·', 10 - cells)}[/] {Pct(fill),4}";
    }
}
