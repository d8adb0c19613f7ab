using System.Globalization;
using System.Net;
using System.Text;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// <c>timeline.html</c>: the report as one self-contained page (inline SVG and CSS, no script, nothing fetched),
/// so it opens from a CI artifact or a cluster's shared disk without a network.
/// </summary>
internal static class TimelineHtml
{
    public const string FileName = "timeline.html";

    private const int Width = 960, Height = 240, Left = 48, Right = 12, Top = 12, Bottom = 28;
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The page.</summary>
    public static string Render(ProfileReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>MoSiC.Stream profile</title>\n")
            .Append("<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}")
            .Append("td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}")
            .Append(".legend span{display:inline-block;margin-right:16px}.legend i{display:inline-block;width:14px;height:3px;margin-right:4px;vertical-align:middle}")
            .Append("svg{background:#fafafa;border:1px solid #ddd}</style></head><body>\n");
        html.Append("<h1>MoSiC.Stream profile</h1>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>Run time {(int)report.Elapsed.TotalHours:00}:{report.Elapsed.Minutes:00}:{report.Elapsed.Seconds:00}. ");
        html.Append(report.Bottleneck is { } b
            ? $"Bottleneck: <b>{Encode(b.Stage)}</b> ({Encode(b.Reason)}).</p>\n"
            : "No stage did any work.</p>\n");

        var t = report.Timeline.Select(s => s.Elapsed.TotalSeconds).ToArray();
        html.Append("<h2>Stage utilisation (busy fraction)</h2>\n");
        Panel(html, t, report.Stages.Select(s => (s.Name, report.Timeline.Select(x => x.Stages.FirstOrDefault(y => y.Name == s.Name)?.Busy ?? 0).ToArray())).ToList());
        html.Append("<h2>Buffer fill (items / capacity)</h2>\n");
        Panel(html, t, report.Queues.Select(q => (q.Name, report.Timeline.Select(x => x.Queues.FirstOrDefault(y => y.Name == q.Name)?.Fill ?? 0).ToArray())).ToList());

        html.Append("<h2>Stages</h2>\n<table><tr><th>stage</th><th>workers</th><th>items in</th><th>items out</th><th>items/s</th><th>MB/s in</th><th>MB/s out</th><th>busy</th><th>starved</th><th>blocked</th></tr>\n");
        foreach (var s in report.Stages)
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Encode(s.Name)}</td><td>{s.Workers}</td><td>{s.ItemsIn}</td><td>{s.ItemsOut}</td><td>{s.ItemsPerSecond:0.00}</td><td>{s.MegabytesInPerSecond:0.0}</td><td>{s.MegabytesOutPerSecond:0.0}</td><td>{Pct(s.Busy)}</td><td>{Pct(s.Starved)}</td><td>{Pct(s.Blocked)}</td></tr>\n");
        html.Append("</table>\n<h2>Buffers</h2>\n<table><tr><th>buffer</th><th>capacity</th><th>mean depth</th><th>max depth</th><th>mean fill</th><th>MB capacity</th><th>max MB</th></tr>\n");
        foreach (var q in report.Queues)
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Encode(q.Name)}</td><td>{q.Capacity}</td><td>{q.MeanItems:0.0}</td><td>{q.MaxItems}</td><td>{Pct(q.MeanFill)}</td><td>{(q.ByteCapacity is { } c ? (c / 1e6).ToString("0.0", CultureInfo.InvariantCulture) : "–")}</td><td>{q.MaxBytes / 1e6:0.0}</td></tr>\n");
        var r = report.Run;
        html.Append(CultureInfo.InvariantCulture,
            $"</table>\n<h2>Run</h2>\n<p>videos {r.VideosDone}/{r.VideosTotal} done, {r.VideosFailed} failed, {r.VideosSkipped} skipped; clips tracked {r.ClipsTracked}, cached {r.ClipsCached}, trained {r.ClipsTrained}; trainer step {r.Step}/{r.StepsTotal}");
        if (!double.IsNaN(r.Loss)) html.Append(CultureInfo.InvariantCulture, $", loss {r.Loss:0.0000}");
        html.Append(".</p>\n</body></html>\n");
        return html.ToString();
    }

    private static void Panel(StringBuilder html, double[] t, List<(string Name, double[] Values)> series)
    {
        double tMax = t.Length > 0 ? Math.Max(t[^1], 1e-9) : 1;
        double X(double s) => Left + s / tMax * (Width - Left - Right);
        double Y(double v) => Top + (1 - Math.Clamp(v, 0, 1)) * (Height - Top - Bottom);

        html.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">\n");
        foreach (double v in (double[])[0, 0.25, 0.5, 0.75, 1])
            html.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(v):0.#}\" y2=\"{Y(v):0.#}\" stroke=\"#ddd\"/><text x=\"{Left - 6}\" y=\"{Y(v) + 4:0.#}\" font-size=\"11\" text-anchor=\"end\">{v * 100:0}%</text>\n");
        for (int k = 0; k <= 4; k++)
            html.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{X(tMax * k / 4):0.#}\" y=\"{Height - 8}\" font-size=\"11\" text-anchor=\"middle\">{tMax * k / 4:0.#} s</text>\n");
        for (int i = 0; i < series.Count; i++)
        {
            string points = string.Join(' ', series[i].Values.Select((v, j) => string.Create(CultureInfo.InvariantCulture, $"{X(t[j]):0.#},{Y(v):0.#}")));
            html.Append(CultureInfo.InvariantCulture,
                $"<polyline fill=\"none\" stroke=\"{Palette[i % Palette.Length]}\" stroke-width=\"2\" points=\"{points}\"><title>{Encode(series[i].Name)}</title></polyline>\n");
        }
        html.Append("</svg>\n<div class=\"legend\">");
        for (int i = 0; i < series.Count; i++)
            html.Append($"<span><i style=\"background:{Palette[i % Palette.Length]}\"></i>{Encode(series[i].Name)}</span>");
        html.Append("</div>\n");
    }

    private static string Pct(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
