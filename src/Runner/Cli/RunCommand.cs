using System.CommandLine;
using MoSiC.Stream.Graph.Plumbing;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream run [pipeline]</c>: the whole streaming graph, decode → clips → track → cache → train.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run a pipeline: decode → clips → track what is not cached → Parquet cache → train, as one bounded streaming graph. " +
            "Training starts with the first tracked batch; a rerun tracks nothing already cached and resumes training from the last checkpoint; Ctrl-C stops cleanly.");
        GraphCommand.Configure(command, RunMode.Run);
        return command.WithExamples(
            ("mosic-stream run", "the embedded sample pipeline: a small synthetic corpus, end to end, on any machine"),
            ("mosic-stream run -p pipelines/ytvos.json --profile prof/", "your corpus, with a throughput profile naming the bottleneck"),
            ("mosic-stream run -p pipelines/ytvos.json --quiet --json > summary.json", "in a batch job: no progress, the summary as JSON"));
    }
}
