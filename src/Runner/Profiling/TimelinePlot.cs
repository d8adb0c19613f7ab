using System.Globalization;
using ScottPlot;
using ScottPlot.MultiplotLayouts;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// <c>timeline.png</c>: the same picture as timeline.html on the same scales (shares of worker time 0–100%, run time
/// in seconds on one axis for all charts): a header with the run's identity and the legend, one small chart per
/// stage with busy, starved and blocked stacked, then one per buffer with its fill.
/// </summary>
internal static class TimelinePlot
{
    public const string FileName = "timeline.png";

    private const int Columns = 3, ChartHeight = 200;

    /// <summary>The PNG's bytes, <paramref name="width"/> pixels wide (the height follows from the number of charts).</summary>
    public static byte[] Render(ProfileReport report, int width = 1200)
    {
        var samples = report.Timeline;
        double tMax = Math.Max(report.Elapsed.TotalSeconds, samples.Count > 0 ? samples[^1].Elapsed.TotalSeconds : 0);
        // Each sample covers an interval: drawn flat from its start to its end (two points per sample), not as a
        // line between sample ends, so a stage's area over time is the time the table counts.
        double[] t = [.. samples.SelectMany(s => new[] { s.Start.TotalSeconds, s.Elapsed.TotalSeconds })];
        int stageRows = (report.Stages.Count + Columns - 1) / Columns, queueRows = (report.Queues.Count + Columns - 1) / Columns;
        // Grid rows of a third of a chart: the header takes two, each chart three.
        int gridRows = 2 + 3 * (stageRows + queueRows);
        var layout = new CustomGrid();
        var multiplot = new Multiplot { Layout = layout };
        var plots = new List<Plot>();
        try
        {
            Plot header = Add(multiplot, plots, layout, new GridCell(0, 0, gridRows, 1, 2, 1));
            header.HideAxesAndGrid();
            header.Axes.SetLimits(0, 1, 0, 1);
            var text = header.Add.Text(HeaderText(report), 0.005, 0.95);
            text.LabelFontSize = 13;
            text.LabelAlignment = Alignment.UpperLeft;

            for (int i = 0; i < report.Stages.Count; i++)
            {
                StageProfile stage = report.Stages[i];
                Plot plot = Add(multiplot, plots, layout, new GridCell(2 + 3 * (i / Columns), i % Columns, gridRows, Columns, 3, 1));
                double[] lower = new double[t.Length];
                for (int k = 0; k < StageShares.Layers.Length; k++)
                {
                    double[] upper = [.. Held(samples.Select(s => Share(StageShares.Of(s, stage.Name), k))).Select((v, j) => Math.Min(1, lower[j] + v))];
                    if (t.Length > 0)
                    {
                        var fill = plot.Add.FillY(t, lower, upper);
                        fill.FillColor = Color.FromHex(StageShares.Layers[k].Colour);
                        fill.LineWidth = 0;
                    }

                    lower = upper;
                }

                bool hot = stage.Name == report.Bottleneck?.Stage;
                plot.Title(string.Create(CultureInfo.InvariantCulture,
                    $"{stage.Name}{(hot ? " (bottleneck)" : "")}: busy {stage.Busy * 100:0}%, starved {stage.Starved * 100:0}%, blocked {stage.Blocked * 100:0}%"), 11);
                if (hot) plot.Axes.Title.Label.ForeColor = Colors.Red;
                Scales(plot, tMax);
            }

            for (int i = 0; i < report.Queues.Count; i++)
            {
                QueueProfile queue = report.Queues[i];
                Plot plot = Add(multiplot, plots, layout, new GridCell(2 + 3 * (stageRows + i / Columns), i % Columns, gridRows, Columns, 3, 1));
                double[] fill = Held(samples.Select(s => s.Queues.FirstOrDefault(x => x.Name == queue.Name)?.Fill ?? 0));
                if (t.Length > 0)
                {
                    var line = plot.Add.Scatter(t, fill, Colors.DimGray);
                    line.MarkerSize = t.Length > 1 ? 0 : 5;
                    line.LineWidth = 1.5f;
                }

                plot.Title(string.Create(CultureInfo.InvariantCulture, $"buffer {queue.Name}: mean fill {queue.MeanFill * 100:0}% of {queue.Capacity}"), 11);
                Scales(plot, tMax);
            }

            using var image = multiplot.Render(width, ChartHeight * (stageRows + queueRows) + ChartHeight * 2 / 3);
            return image.GetImageBytes(ImageFormat.Png);
        }
        finally
        {
            foreach (Plot plot in plots) plot.Dispose();
        }
    }

    // Each sample's value at its interval's start and end.
    private static double[] Held(IEnumerable<double> values) => [.. values.SelectMany(v => new[] { v, v })];

    private static Plot Add(Multiplot multiplot, List<Plot> plots, CustomGrid layout, GridCell cell)
    {
        var plot = new Plot();
        multiplot.AddPlot(plot);
        layout.Set(plot, cell);
        plots.Add(plot);
        return plot;
    }

    private static double Share((double Busy, double Starved, double Blocked) s, int layer) => layer switch { 0 => s.Busy, 1 => s.Starved, _ => s.Blocked };

    private static void Scales(Plot plot, double tMax)
    {
        plot.Axes.SetLimits(0, Math.Max(tMax, 1e-6), 0, 1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([0, 0.5, 1], ["0%", "50%", "100%"]);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { TargetTickCount = 6 };
        plot.Axes.Bottom.Label.Text = "run time (s)";
        plot.Axes.Bottom.Label.FontSize = 11;
    }

    private static string HeaderText(ProfileReport report)
    {
        RunIdentity? id = report.Identity;
        string[] colours = ["blue", "amber", "red"];
        string legend = string.Join("\n", StageShares.Layers.Select((l, i) => $"  {l.Name} ({colours[i]}): {l.Definition}"));
        string run = id is null ? $"MoSiC.Stream profile, run time {report.Elapsed.TotalSeconds:0.0} s" : string.Create(CultureInfo.InvariantCulture,
            $"MoSiC.Stream profile: {id.Pipeline} ({id.Mode}), started {id.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC, run time {report.Elapsed.TotalSeconds:0.0} s; threads: {id.Threads}\n{id.Command}");
        string bottleneck = report.Bottleneck is { } b ? $"bottleneck: {b.Stage} ({b.Reason})" : "bottleneck: none";
        return $"{run}\n{bottleneck}\nEach stage chart stacks shares of the stage's worker time over run time (0-100%; white is idle):\n{legend}";
    }
}
