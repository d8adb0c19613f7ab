using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Training;
using ScottPlot;
using ScottPlot.Plottables;
using ScottPlot.TickGenerators;

namespace MoSiC.Stream.Tests.Training;

/// <summary>loss.png: one quantity per axis (two panels), integer steps, epoch boundaries, resume marks and the run's name.</summary>
public sealed class LossPlotTests
{
    [Fact]
    public void Two_panels_with_integer_steps_epoch_lines_resume_marks_and_the_run_name()
    {
        using var dir = new TempDir();
        string csv = dir.File("train-log.csv");
        // 2 epochs of 6 steps; a run stopped after step 4 and the next resumed from it.
        File.WriteAllLines(csv, Enumerable.Range(1, 12)
            .Select(s => FormattableString.Invariant($"{s},{(s <= 6 ? 1 : 2)},{5.0 - 0.2 * s},0.0001,{4.0 - 0.1 * s},{10 + s},0.5"))
            .Prepend("step,epoch,loss,lr,label_entropy,prototypes_used,seconds"));
        File.WriteAllText(CheckpointFiles.Resumes(dir.Path), "4,2026-01-01T00:00:00Z\n");

        LossPlot.Chart chart = LossPlot.Read(csv, CheckpointFiles.Resumes(dir.Path), "ytvos")!;
        Assert.Equal([(7L, 2)], chart.EpochStarts);
        Assert.Equal([4L], chart.Resumes);
        Assert.StartsWith("ytvos: MoSiC training, 12 steps, 2 epochs, resumed 1×", chart.Title);

        Multiplot picture = LossPlot.Draw(chart);
        Plot[] panels = picture.GetPlots();
        Assert.Equal(2, panels.Length);
        foreach (Plot panel in panels)
        {
            // One quantity per panel, on the left axis: nothing is drawn against a right axis.
            Scatter data = Assert.Single(panel.GetPlottables().OfType<Scatter>());
            Assert.NotSame(panel.Axes.Right, data.Axes.YAxis);
            Assert.True(string.IsNullOrEmpty(panel.Axes.Right.Label.Text));
            Assert.True(Assert.IsType<NumericAutomatic>(panel.Axes.Bottom.TickGenerator).IntegerTicksOnly);
            Assert.Equal([6.5, 4.5], panel.GetPlottables().OfType<VerticalLine>().Select(v => v.X).ToArray());
        }

        Assert.Equal(["epoch 2", "resumed"], panels[0].GetPlottables().OfType<VerticalLine>().Select(v => v.LabelText).ToArray());
        Assert.True(LossPlot.Write(csv, dir.File("loss.png"), "ytvos"));
        Assert.True(new FileInfo(dir.File("loss.png")).Length > 5_000);
        foreach (Plot panel in panels) panel.Dispose();
    }
}
