using System.CommandLine;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>The <c>mosic-stream</c> command tree.</summary>
public static class MosicCli
{
    /// <summary>Builds the root command with every sub-command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "MoSiC.Stream: decode → clip → track → Parquet trajectory cache → MoSiC training, as one bounded streaming pipeline.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(TrackCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ProfileCommand.Create());
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(ProbeCommand.Create());
        root.Subcommands.Add(CacheCommand.Create());
        return root;
    }
}
