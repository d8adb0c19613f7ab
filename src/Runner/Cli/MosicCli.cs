using System.CommandLine;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>The <c>mosic-stream</c> command tree.</summary>
public static class MosicCli
{
    /// <summary>Exit code of a command that exists but is not implemented yet.</summary>
    public const int NotAvailable = 2;

    /// <summary>Builds the root command with every sub-command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "MoSiC.Stream: decode → clip → track → Parquet trajectory cache → MoSiC training, as one bounded streaming pipeline.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(TrackCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PendingCommand.Create("profile", "Run a pipeline with per-stage throughput profiling and write a report naming the bottleneck.", "the runner's profiling (issue #6)"));
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(ProbeCommand.Create());
        root.Subcommands.Add(CacheCommand.Create());
        return root;
    }
}
