using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace MoSiC.Stream.Training;

/// <summary>
/// <c>loss.png</c> beside <c>train-log.csv</c>: two panels sharing the step axis, the loss above and the label entropy
/// below (one quantity per axis: they live on unrelated scales), integer step ticks, a dashed line where each epoch
/// begins, a red dotted line where a run resumed, and the run's name in the title. Drawn from the files rather than
/// from memory, so a resumed run plots its whole history.
/// </summary>
internal static class LossPlot
{
    public const string FileName = "loss.png";

    /// <summary>What the picture shows: per step the loss and label entropy, where epochs begin, where runs resumed.</summary>
    public sealed record Chart(string Title, double[] Steps, double[] Loss, double[] Entropy, IReadOnlyList<(long Step, int Epoch)> EpochStarts, IReadOnlyList<long> Resumes);

    /// <summary>Draws the log at <paramref name="csvPath"/> (with the resumes recorded beside it) into <paramref name="pngPath"/>; false when the log holds no step.</summary>
    public static bool Write(string csvPath, string pngPath, string runName)
    {
        if (Read(csvPath, CheckpointFiles.Resumes(Path.GetDirectoryName(Path.GetFullPath(csvPath))!), runName) is not { } chart) return false;
        Multiplot multiplot = Draw(chart);
        try
        {
            multiplot.SavePng(pngPath, 900, 620);
        }
        finally
        {
            foreach (Plot plot in multiplot.GetPlots()) plot.Dispose();
        }

        return true;
    }

    /// <summary>The chart of a log and its resume record (which may be missing); null when the log holds no step.</summary>
    public static Chart? Read(string csvPath, string resumesPath, string runName)
    {
        var steps = new List<double>();
        var loss = new List<double>();
        var entropy = new List<double>();
        var epochStarts = new List<(long, int)>();
        int lastEpoch = 0;
        // The writer may still hold the log open, so share it both ways.
        using (var stream = new FileStream(csvPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
        {
            reader.ReadLine();
            while (reader.ReadLine() is { } line)
            {
                string[] f = line.Split(',');
                if (f.Length < 5) continue;
                long step = long.Parse(f[0], CultureInfo.InvariantCulture);
                int epoch = int.Parse(f[1], CultureInfo.InvariantCulture);
                if (epoch != lastEpoch && lastEpoch != 0) epochStarts.Add((step, epoch));
                lastEpoch = epoch;
                steps.Add(step);
                loss.Add(double.Parse(f[2], CultureInfo.InvariantCulture));
                entropy.Add(double.Parse(f[4], CultureInfo.InvariantCulture));
            }
        }

        if (steps.Count == 0) return null;
        long last = (long)steps[^1];
        long[] resumes = File.Exists(resumesPath)
            ? [.. File.ReadLines(resumesPath).Select(l => l.Split(',')[0]).Select(s => long.TryParse(s, CultureInfo.InvariantCulture, out long v) ? v : -1).Where(s => s > 0 && s < last).Distinct().Order()]
            : [];
        string title = string.Create(CultureInfo.InvariantCulture,
            $"{runName}: MoSiC training, {steps.Count} steps, {Math.Max(lastEpoch, 1)} epoch{(lastEpoch > 1 ? "s" : "")}{(resumes.Length > 0 ? $", resumed {resumes.Length}×" : "")}");
        return new Chart(title, [.. steps], [.. loss], [.. entropy], epochStarts, resumes);
    }

    /// <summary>The two panels for <paramref name="chart"/>.</summary>
    public static Multiplot Draw(Chart chart)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        Plot top = multiplot.GetPlot(0), bottom = multiplot.GetPlot(1);
        Panel(top, chart, chart.Loss, "loss", Colors.C0);
        Panel(bottom, chart, chart.Entropy, "label entropy (nats)", Colors.C1);
        top.Title(chart.Title);
        // Room above the top panel for the marks' labels under the title.
        top.Axes.Top.MinimumSize = 48;
        bottom.Axes.Bottom.Label.Text = "step";
        // Labels on the top panel only: the bottom one shows the same lines.
        foreach (var (step, epoch) in chart.EpochStarts) Mark(top, step - 0.5, $"epoch {epoch}", Colors.Gray, LinePattern.Dashed);
        foreach (long step in chart.Resumes) Mark(top, step + 0.5, "resumed", Colors.Red, LinePattern.Dotted);
        foreach (var (step, _) in chart.EpochStarts) Mark(bottom, step - 0.5, null, Colors.Gray, LinePattern.Dashed);
        foreach (long step in chart.Resumes) Mark(bottom, step + 0.5, null, Colors.Red, LinePattern.Dotted);
        multiplot.SharedAxes.ShareX([top, bottom]);
        return multiplot;
    }

    private static void Panel(Plot plot, Chart chart, double[] values, string label, Color colour)
    {
        var line = plot.Add.Scatter(chart.Steps, values, colour);
        line.MarkerSize = chart.Steps.Length <= 60 ? 5 : 0;
        plot.Axes.Left.Label.Text = label;
        // A step is a whole number; fractional ticks (2.5) only confuse.
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsX(chart.Steps[0] - 0.5, chart.Steps[^1] + 0.5);
        // Same left margin in both panels, so their step axes line up whatever the tick labels' widths.
        plot.Axes.Left.MinimumSize = 72;
    }

    private static void Mark(Plot plot, double x, string? text, Color colour, LinePattern pattern)
    {
        var mark = plot.Add.VerticalLine(x, 1.5f, colour, pattern);
        if (text is not null)
        {
            mark.LabelText = text;
            mark.LabelOppositeAxis = true;
            mark.LabelFontSize = 11;
        }
    }
}
