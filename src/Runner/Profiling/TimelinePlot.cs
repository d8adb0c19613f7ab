using ScottPlot;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// <c>timeline.png</c>: two panels over run time, each stage's utilisation (busy fraction of its workers) above,
/// each buffer's fill (items over capacity) below, with a shared time axis so a stall lines up with its cause.
/// </summary>
internal static class TimelinePlot
{
    public const string FileName = "timeline.png";

    /// <summary>The PNG's bytes, <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static byte[] Render(ProfileReport report, int width = 1200, int height = 800)
    {
        var samples = report.Timeline;
        // Each sample covers an interval: drawn as a step from its start to its end, the last value held to the end.
        double[] t = [.. samples.Select(s => s.Start.TotalSeconds), .. samples.TakeLast(1).Select(s => s.Elapsed.TotalSeconds)];

        using var stages = new Plot();
        foreach (var stage in report.Stages)
        {
            double[] busy = Held([.. samples.Select(s => s.Stages.FirstOrDefault(x => x.Name == stage.Name)?.Busy ?? 0)]);
            // The legend carries the run's number, so the line's average and the summary table can be checked by eye.
            string label = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{stage.Name} busy {stage.Busy * 100:0}%");
            Line(stages, t, busy, stage.Name == report.Bottleneck?.Stage ? $"{label} (bottleneck)" : label);
        }
        stages.Title(report.Bottleneck is { } b ? $"Stage utilisation; bottleneck: {b.Stage}" : "Stage utilisation");
        stages.Axes.Left.Label.Text = "busy fraction";
        stages.Axes.SetLimitsY(0, 1.05);
        // Legends below, not beside, the panels: side legends of different widths would misalign the shared time axis.
        stages.ShowLegend(Edge.Bottom);

        using var queues = new Plot();
        foreach (var queue in report.Queues)
        {
            double[] fill = Held([.. samples.Select(s => s.Queues.FirstOrDefault(x => x.Name == queue.Name)?.Fill ?? 0)]);
            Line(queues, t, fill, queue.Name);
        }
        queues.Title("Buffer fill");
        queues.Axes.Left.Label.Text = "items / capacity";
        queues.Axes.Bottom.Label.Text = "run time (s)";
        queues.Axes.SetLimitsY(0, 1.05);
        queues.ShowLegend(Edge.Bottom);

        var multiplot = new Multiplot();
        multiplot.Reset(stages);
        multiplot.AddPlot(queues);
        multiplot.SharedAxes.ShareX([stages, queues]);
        using var image = multiplot.Render(width, height);
        return image.GetImageBytes(ImageFormat.Png);
    }

    // The values at the interval starts, and the last one again at the end.
    private static double[] Held(double[] values) => [.. values, .. values.TakeLast(1)];

    private static void Line(Plot plot, double[] t, double[] y, string label)
    {
        var line = plot.Add.Scatter(t, y);
        line.LegendText = label;
        line.LineWidth = 2;
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.MarkerSize = t.Length > 1 ? 0 : 6;
    }
}
