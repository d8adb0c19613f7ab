using System.Globalization;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MoSiC.Stream.Runner.Progress;

/// <summary>
/// The live view's picture, redrawn on every refresh: at most 4 + 1 + stages lines (14 for the full graph) and 72
/// columns, so it fits an 80×24 terminal with room for log lines above it. What matters most comes first, since a
/// short terminal crops the bottom: the title with the bottleneck, then videos, clips and the trainer's step and
/// loss, then one row per stage with the fill of the buffer that feeds it.
/// </summary>
internal static class ProgressTable
{
    /// <summary>The widest the picture gets (for the full graph), in terminal columns.</summary>
    public const int Width = 72;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The picture for <paramref name="now"/>, with rates over <paramref name="span"/>.</summary>
    public static IRenderable Render(string title, PipelineSnapshot now, PipelineSnapshot span)
    {
        var bottleneck = Bottleneck.Find(span);
        var r = now.Run;
        var lines = new List<IRenderable>
        {
            new Markup($"[bold]{Markup.Escape(title)}[/]  {ProgressLine.Clock(now.Elapsed)}  " +
                (bottleneck is null ? "[grey]bottleneck: -[/]" : $"bottleneck: [bold yellow]{Markup.Escape(bottleneck.Stage)}[/]")),
        };
        // "decoded": a video counts once its clips are cut, while its tracking may still be under way.
        string videos = string.Format(C, "decoded {0}/{1}, {2} failed, {3} skipped", r.VideosDone, r.VideosTotal > 0 ? r.VideosTotal : "?", r.VideosFailed, r.VideosSkipped);
        if (ProgressLine.Eta(now, span) is { } eta) videos += $", eta {ProgressLine.Clock(eta)}";
        lines.Add(new Markup($"[bold]videos [/] {videos}"));
        lines.Add(new Markup(string.Format(C, "[bold]clips  [/] tracked {0}, cached {1}, trained {2}", r.ClipsTracked, r.ClipsCached, r.ClipsTrained)));
        if (r.StepsTotal > 0 || r.Step > 0)
        {
            var (clipsPerSecond, stepsPerSecond) = span.TrainRates();
            lines.Add(new Markup(string.Format(C, "[bold]trainer[/] step {0}/{1}", r.Step, r.StepsTotal > 0 ? r.StepsTotal : "?") +
                (double.IsNaN(r.Loss) ? ", loss -" : string.Format(C, ", loss {0:0.0000}", r.Loss)) +
                string.Format(C, ", {0:0.0} clips/s {1:0.00} steps/s", clipsPerSecond, stepsPerSecond)));
        }

        var stages = new Grid();
        stages.AddColumn(new GridColumn().NoWrap());
        foreach (int _ in Enumerable.Range(0, 5)) stages.AddColumn(new GridColumn().RightAligned().NoWrap());
        stages.AddColumn(new GridColumn().NoWrap());
        stages.AddRow("[grey]stage[/]", "[grey]w[/]", "[grey]items/s[/]", "[grey]busy[/]", "[grey]starved[/]", "[grey]blocked[/]", "[grey]input buffer[/]");
        foreach (var s in span.Stages)
        {
            var (busy, starved, blocked) = s.Fractions(span.Elapsed);
            string name = Markup.Escape(s.Name);
            stages.AddRow(
                s.Name == bottleneck?.Stage ? $"[bold yellow]{name} ◀[/]" : name,
                s.Workers.ToString(C), s.ItemsPerSecond(span.Elapsed).ToString("0.0", C), Pct(busy), Pct(starved), Pct(blocked),
                InputBuffer(now, s.Name));
        }

        lines.Add(stages);
        return new Rows(lines);
    }

    // The buffer a stage reads from (its name ends "→stage"); empty for the source.
    private static string InputBuffer(PipelineSnapshot now, string stage)
    {
        QueueSnapshot? q = now.Queues.FirstOrDefault(q => q.Name.EndsWith("→" + stage, StringComparison.Ordinal));
        if (q is null) return "";
        double fill = q.Capacity > 0 ? Math.Clamp((double)q.Count / q.Capacity, 0, 1) : 0;
        return $"{Bar(fill)} {q.Count.ToString(C),3}/{q.Capacity.ToString(C),-3}";
    }

    private static string Pct(double fraction) => (fraction * 100).ToString("0", C) + "%";

    // An eight-cell bar reads faster than a number when the eye scans for the full buffer.
    private static string Bar(double fill)
    {
        int cells = (int)Math.Round(fill * 8);
        string colour = fill >= 0.9 ? "red" : fill >= 0.5 ? "yellow" : "green";
        return $"[{colour}]{new string('█', cells)}[/][grey]{new string('·', 8 - cells)}[/]";
    }
}
