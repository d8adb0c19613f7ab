using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Progress;
using MoSiC.Stream.Tests.Support;
using Spectre.Console;

namespace MoSiC.Stream.Tests.Runner.Progress;

/// <summary>The live panel of the full run graph fits an 80×24 terminal with its bottleneck and the trainer's step and loss on screen.</summary>
public sealed class ProgressTableTests
{
    private static readonly string[] Stages = ["discover", "decode", "sample", "batch", "track", "write", "shuffle", "replay", "train"];

    private static readonly string[] Buffers = ["discover→decode", "decode→sample", "sample→batch", "batch→track", "track→write", "sample+write→shuffle", "shuffle+replay→train"];

    [Fact]
    public void The_full_graph_fits_80_by_24_with_the_bottleneck_first_and_the_trainer_shown()
    {
        var snapshot = new PipelineSnapshot(TimeSpan.FromSeconds(100),
            [.. Stages.Select(s => MadeUpSnapshots.Stage(s, s == "decode" ? 4 : 1, 120, busy: s == "track" ? 97 : 20, starved: s == "track" ? 2 : 60, blocked: s == "decode" ? 70 : 5))],
            [.. Buffers.Select(b => new QueueSnapshot(b, 8, 64_000_000, 5, 40_000_000))],
            new RunSnapshot(6, 6, 0, 0, 10, 2, 8, 2, 3, 4.5821));
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 80;
        console.Write(ProgressTable.Render("mosic-stream run sample", snapshot, snapshot));

        string[] lines = output.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.True(lines.Length <= 16, $"{lines.Length} lines:\n{output}");
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= ProgressTable.Width, $"{l.TrimEnd().Length} columns: {l}"));
        Assert.Contains("bottleneck: track", lines[0]);
        Assert.Contains(lines.Take(5), l => l.Contains("trainer step 2/3, loss 4.5821", StringComparison.Ordinal));
        Assert.Contains(lines.Take(5), l => l.Contains("decoded 6/6", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("track ◀", StringComparison.Ordinal));
    }
}
