using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Runner.Profiling;

/// <summary>
/// timeline.html and the timeline behind both pictures: one small chart per stage with busy/starved/blocked stacked,
/// a legend defining the three, values on hover, the run's identity, and long items drawn over the time they took.
/// </summary>
public sealed class TimelinePicturesTests
{
    private static readonly RunIdentity Identity = new("ytvos", "pipelines/ytvos.json", "run", new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc),
        "mosic-stream run -p pipelines/ytvos.json --profile prof", "1 decode workers × 1 ffmpeg threads, tracker 1, torch 1");

    [Fact]
    public void The_page_has_one_chart_per_stage_a_legend_hover_values_and_the_run_identity()
    {
        string html = TimelineHtml.Render(ProfileReport.Create(MadeUpSnapshots.TrackBound(), MadeUpSnapshots.Timeline(40), Identity));

        foreach (string stage in new[] { "decode", "track", "train" })
            Assert.Contains($"<figcaption><b>{stage}</b>", html);
        Assert.Contains("<figure class=\"hot\"><figcaption><b>track</b> ◀ bottleneck", html);
        // The legend defines the three shares.
        Assert.Contains("<b>busy</b>: working on an item", html);
        Assert.Contains("<b>starved</b>: waiting for input", html);
        Assert.Contains("<b>blocked</b>: waiting to hand a result on", html);
        // Hover: every sample of every stage chart has a title with its values (40 samples × 3 stages), and of every buffer chart.
        Assert.Equal(40 * 3, CountOf(html, "<g><title>"));
        Assert.Contains("<title>track, 0–1 s: busy 96%, starved 2%, blocked 1%", html);
        Assert.Contains("<title>decode→track, 0–1 s: 8/8 items (100%)", html);
        // Identity.
        string shown = System.Net.WebUtility.HtmlDecode(html);
        foreach (string text in new[] { "MoSiC.Stream profile: ytvos (run)", "pipelines/ytvos.json", "2026-03-04 05:06:07 UTC", "mosic-stream run -p pipelines/ytvos.json --profile prof", "1 decode workers × 1 ffmpeg threads" })
            Assert.Contains(text, shown);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
