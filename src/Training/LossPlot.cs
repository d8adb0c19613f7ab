using System.Globalization;
using ScottPlot;

namespace MoSiC.Stream.Training;

/// <summary>
/// <c>loss.png</c> beside <c>train-log.csv</c>: loss (left axis) and label entropy (right axis) against step, drawn
/// from the CSV rather than from memory, so a resumed run plots its whole history.
/// </summary>
internal static class LossPlot
{
    public const string FileName = "loss.png";

    /// <summary>Draws the plot of the log at <paramref name="csvPath"/> into <paramref name="pngPath"/>; false when the log holds no step.</summary>
    public static bool Write(string csvPath, string pngPath)
    {
        var steps = new List<double>();
        var loss = new List<double>();
        var entropy = new List<double>();
        // The writer may still hold the log open, so share it both ways.
        using (var stream = new FileStream(csvPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
        {
            reader.ReadLine();
            while (reader.ReadLine() is { } line)
            {
                string[] f = line.Split(',');
                if (f.Length < 5) continue;
                steps.Add(double.Parse(f[0], CultureInfo.InvariantCulture));
                loss.Add(double.Parse(f[2], CultureInfo.InvariantCulture));
                entropy.Add(double.Parse(f[4], CultureInfo.InvariantCulture));
            }
        }
        if (steps.Count == 0) return false;

        using var plot = new Plot();
        var lossLine = plot.Add.Scatter(steps.ToArray(), loss.ToArray());
        lossLine.LegendText = "loss";
        var entropyLine = plot.Add.Scatter(steps.ToArray(), entropy.ToArray());
        entropyLine.LegendText = "label entropy";
        // Entropy (nats, up to ln K) lives on a different scale from the loss, hence its own axis.
        entropyLine.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Bottom.Label.Text = "step";
        plot.Axes.Left.Label.Text = "loss";
        plot.Axes.Right.Label.Text = "label entropy";
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title("MoSiC training");
        plot.SavePng(pngPath, 900, 500);
        return true;
    }
}
