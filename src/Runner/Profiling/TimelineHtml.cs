using System.Globalization;
using System.Net;
using System.Text;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// <c>timeline.html</c>: the report as one self-contained page (inline SVG and CSS, no script, nothing fetched), so it
/// opens from a CI artifact or a cluster's shared disk without a network. The run's identity first, then a legend
/// defining busy, starved and blocked, then one small chart per stage (the three shares stacked over run time, on one
/// time scale for all charts), one per buffer (its fill), and the tables. Hovering a chart shows one sample's values
/// (SVG titles: the browser's own tooltip, no script).
/// </summary>
internal static class TimelineHtml
{
    public const string FileName = "timeline.html";

    private const int Width = 300, Height = 120, Left = 34, Right = 6, Top = 6, Bottom = 20;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The page.</summary>
    public static string Render(ProfileReport report)
    {
        var html = new StringBuilder();
        RunIdentity? id = report.Identity;
        string title = id is null ? "MoSiC.Stream profile" : $"MoSiC.Stream profile: {id.Pipeline} ({id.Mode})";
        html.Append(C, $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Encode(title)}</title>\n")
            .Append("<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}table{border-collapse:collapse;margin:8px 0 20px}")
            .Append("td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}")
            .Append("table.id td{text-align:left}table.id td:first-child{color:#666}code{font-size:13px}")
            .Append(".legend{background:#f6f6f6;border:1px solid #ddd;padding:8px 12px;margin:12px 0}.legend div{margin:2px 0}.sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px}")
            .Append(".grid{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;border:1px solid #ddd;background:#fff;padding:4px;width:300px}figure.hot{border:2px solid #d62728}")
            .Append("figcaption{font-size:12px;margin:0 0 2px 2px}figcaption b{font-size:13px}svg text{font-size:10px;fill:#555}</style></head><body>\n");
        html.Append(C, $"<h1>{Encode(title)}</h1>\n");
        html.Append("<table class=\"id\">");
        if (id is not null)
        {
            Row(html, "pipeline", $"{Encode(id.Pipeline)} <span style=\"color:#666\">({Encode(id.Source)})</span>");
            Row(html, "mode", Encode(id.Mode));
            Row(html, "started", id.StartedUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", C));
            Row(html, "command", $"<code>{Encode(id.Command)}</code>");
            Row(html, "threads", Encode(id.Threads));
        }

        Row(html, "run time", Clock(report.Elapsed));
        Row(html, "bottleneck", report.Bottleneck is { } b ? $"<b>{Encode(b.Stage)}</b>: {Encode(b.Reason)}" : "none (no stage did any work)");
        html.Append("</table>\n");

        html.Append("<div class=\"legend\"><b>How to read the stage charts.</b> Each shows one stage over run time: the share of its worker time (workers × time) that was")
            .AppendJoin("", StageShares.Layers.Select(l => $"<div><span class=\"sw\" style=\"background:{l.Colour}\"></span><b>{l.Name}</b>: {Encode(l.Definition)}</div>"))
            .Append("<div>The three are stacked, 0–100%; white above them is idle time (before its first input, after its last output). ")
            .Append("A stage mostly busy while the stages before it are blocked and those after it starved is the bottleneck (red frame). ")
            .Append("All charts share one time axis. Hover a chart to read one sample's values.</div></div>\n");

        double tMax = Math.Max(report.Elapsed.TotalSeconds, report.Timeline.Count > 0 ? report.Timeline[^1].Elapsed.TotalSeconds : 0);
        html.Append("<h2>Stages</h2>\n<div class=\"grid\">\n");
        foreach (StageProfile s in report.Stages) StageChart(html, report, s, tMax);
        html.Append("</div>\n<h2>Buffers: fill (items / capacity)</h2>\n<div class=\"grid\">\n");
        foreach (QueueProfile q in report.Queues) QueueChart(html, report, q, tMax);
        html.Append("</div>\n");

        html.Append("<h2>Stages over the run</h2>\n<table><tr><th>stage</th><th>workers</th><th>items in</th><th>items out</th><th>items/s</th><th>MB/s in</th><th>MB/s out</th><th>busy</th><th>starved</th><th>blocked</th></tr>\n");
        foreach (var s in report.Stages)
            html.Append(C,
                $"<tr><td>{Encode(s.Name)}</td><td>{s.Workers}</td><td>{s.ItemsIn}</td><td>{s.ItemsOut}</td><td>{s.ItemsPerSecond:0.00}</td><td>{s.MegabytesInPerSecond:0.0}</td><td>{s.MegabytesOutPerSecond:0.0}</td><td>{Pct(s.Busy)}</td><td>{Pct(s.Starved)}</td><td>{Pct(s.Blocked)}</td></tr>\n");
        html.Append("</table>\n<h2>Buffers over the run</h2>\n<table><tr><th>buffer</th><th>capacity</th><th>mean depth</th><th>max depth</th><th>mean fill</th><th>MB capacity</th><th>max MB</th></tr>\n");
        foreach (var q in report.Queues)
            html.Append(C,
                $"<tr><td>{Encode(q.Name)}</td><td>{q.Capacity}</td><td>{q.MeanItems:0.0}</td><td>{q.MaxItems}</td><td>{Pct(q.MeanFill)}</td><td>{(q.ByteCapacity is { } c ? (c / 1e6).ToString("0.0", C) : "–")}</td><td>{q.MaxBytes / 1e6:0.0}</td></tr>\n");
        var r = report.Run;
        html.Append(C,
            $"</table>\n<h2>Run</h2>\n<p>Run time {Clock(report.Elapsed)}. Videos {r.VideosDone}/{r.VideosTotal} decoded, {r.VideosFailed} failed, {r.VideosSkipped} skipped; clips tracked {r.ClipsTracked}, cached {r.ClipsCached}, trained {r.ClipsTrained}; trainer step {r.Step}/{r.StepsTotal}");
        if (!double.IsNaN(r.Loss)) html.Append(C, $", loss {r.Loss:0.0000}");
        html.Append(".</p>\n</body></html>\n");
        return html.ToString();
    }

    private static void StageChart(StringBuilder html, ProfileReport report, StageProfile stage, double tMax)
    {
        bool hot = stage.Name == report.Bottleneck?.Stage;
        html.Append(C, $"<figure{(hot ? " class=\"hot\"" : "")}><figcaption><b>{Encode(stage.Name)}</b>{(hot ? " ◀ bottleneck" : "")}<br>{stage.Workers} worker{(stage.Workers == 1 ? "" : "s")} · {stage.ItemsPerSecond:0.00} items/s · busy {Pct(stage.Busy)} · starved {Pct(stage.Starved)} · blocked {Pct(stage.Blocked)}</figcaption>\n");
        Frame(html, tMax);
        foreach (TimelineSample sample in report.Timeline)
        {
            var (busy, starved, blocked) = StageShares.Of(sample, stage.Name);
            double x0 = X(sample.Start.TotalSeconds, tMax), x1 = Math.Max(X(sample.Elapsed.TotalSeconds, tMax), x0 + 0.5);
            double rate = sample.Stages.FirstOrDefault(s => s.Name == stage.Name)?.ItemsOutPerSecond ?? 0;
            html.Append(C, $"<g><title>{Encode(stage.Name)}, {sample.Start.TotalSeconds:0.#}–{sample.Elapsed.TotalSeconds:0.#} s: busy {Pct(busy)}, starved {Pct(starved)}, blocked {Pct(blocked)}, {rate:0.##} items/s</title>");
            html.Append(C, $"<rect x=\"{x0:0.##}\" y=\"{Top}\" width=\"{x1 - x0:0.##}\" height=\"{Height - Top - Bottom}\" fill=\"transparent\"/>");
            double below = 0;
            double[] shares = [busy, starved, blocked];
            for (int k = 0; k < shares.Length; k++)
            {
                double v = Math.Min(shares[k], 1 - below);
                if (v > 0)
                    html.Append(C, $"<rect x=\"{x0:0.##}\" y=\"{Y(below + v):0.##}\" width=\"{x1 - x0:0.##}\" height=\"{Y(below) - Y(below + v):0.##}\" fill=\"{StageShares.Layers[k].Colour}\"/>");
                below += v;
            }

            html.Append("</g>\n");
        }

        html.Append("</svg></figure>\n");
    }

    private static void QueueChart(StringBuilder html, ProfileReport report, QueueProfile queue, double tMax)
    {
        html.Append(C, $"<figure><figcaption><b>{Encode(queue.Name)}</b><br>capacity {queue.Capacity} · mean fill {Pct(queue.MeanFill)} · max {queue.MaxItems}/{queue.Capacity}</figcaption>\n");
        Frame(html, tMax);
        var points = new List<string>();
        foreach (TimelineSample sample in report.Timeline)
        {
            QueueSample? q = sample.Queues.FirstOrDefault(x => x.Name == queue.Name);
            double fill = q?.Fill ?? 0;
            double x0 = X(sample.Start.TotalSeconds, tMax), x1 = Math.Max(X(sample.Elapsed.TotalSeconds, tMax), x0 + 0.5);
            points.Add(string.Create(C, $"{x0:0.##},{Y(fill):0.##} {x1:0.##},{Y(fill):0.##}"));
            html.Append(C, $"<rect x=\"{x0:0.##}\" y=\"{Top}\" width=\"{x1 - x0:0.##}\" height=\"{Height - Top - Bottom}\" fill=\"transparent\"><title>{Encode(queue.Name)}, {sample.Start.TotalSeconds:0.#}–{sample.Elapsed.TotalSeconds:0.#} s: {q?.Items ?? 0:0.#}/{queue.Capacity} items ({Pct(fill)}), max {q?.MaxItems ?? 0}, {(q?.Bytes ?? 0) / 1e6:0.#} MB</title></rect>\n");
        }

        if (points.Count > 0) html.Append(C, $"<polyline fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\" points=\"{string.Join(' ', points)}\" pointer-events=\"none\"/>\n");
        html.Append("</svg></figure>\n");
    }

    // The axes every small chart shares: 0/50/100% and run time in seconds at five ticks.
    private static void Frame(StringBuilder html, double tMax)
    {
        html.Append(C, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">\n");
        foreach (double v in (double[])[0, 0.5, 1])
            html.Append(C, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(v):0.#}\" y2=\"{Y(v):0.#}\" stroke=\"#e4e4e4\"/><text x=\"{Left - 4}\" y=\"{Y(v) + 3:0.#}\" text-anchor=\"end\">{v * 100:0}%</text>\n");
        // Round seconds at a 1-2-5 step, at most five labels; the outer ones anchored inward so none is cut off.
        double step = NiceStep(tMax / 4);
        for (double v = 0; v <= tMax + 1e-9; v += step)
        {
            double x = X(v, tMax);
            string anchor = x < Left + 12 ? "start" : x > Width - Right - 24 ? "end" : "middle";
            html.Append(C, $"<text x=\"{x:0.#}\" y=\"{Height - 6}\" text-anchor=\"{anchor}\">{v:0.##} s</text>\n");
        }
    }

    private static double NiceStep(double rough)
    {
        if (!(rough > 0)) return 1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double f = rough / magnitude;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }

    private static double X(double seconds, double tMax) => Left + seconds / Math.Max(tMax, 1e-9) * (Width - Left - Right);

    private static double Y(double v) => Top + (1 - Math.Clamp(v, 0, 1)) * (Height - Top - Bottom);

    private static void Row(StringBuilder html, string name, string valueHtml) => html.Append(C, $"<tr><td>{name}</td><td>{valueHtml}</td></tr>");

    private static string Clock(TimeSpan t) => string.Create(C, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}");

    private static string Pct(double fraction) => (fraction * 100).ToString("0", C) + "%";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
