using System.CommandLine;
using MoSiC.Stream.Runner.Output;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>The <c>mosic-stream</c> command tree, and how one invocation is parsed and run.</summary>
public static class MosicCli
{
    /// <summary>Builds the root command with every sub-command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "MoSiC.Stream: decode → clip → track → Parquet trajectory cache → MoSiC training, as one bounded streaming pipeline.")
        {
            new Option<bool>("--quiet", "-q") { Description = "Print only results and errors: no progress, no per-video lines (for batch logs).", Recursive = true },
            new Option<bool>("--verbose", "-v") { Description = "Print details too (e.g. the tensor list of a checkpoint that does not fit).", Recursive = true },
            new Option<bool>("--no-progress") { Description = "No live progress table or periodic progress lines; everything else as usual.", Recursive = true },
        };
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(TrackCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ProfileCommand.Create());
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(ProbeCommand.Create());
        root.Subcommands.Add(CacheCommand.Create());
        root.WithExamples(
            ("mosic-stream run", "the embedded sample: a synthetic corpus streamed through decode, tracking, the cache and training"),
            ("mosic-stream run --pipeline pipelines/ytvos.json", "your corpus (point corpus.root at it)"),
            ("mosic-stream run --help", "every option of a command, with examples"));
        CliHelp.Install(root);
        return root;
    }

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. A command line that does not parse prints one line and
    /// returns <see cref="ExitCodes.Usage"/>; the global output options are applied before the command starts; an
    /// exception no command expected prints one line (its stack trace with <c>--verbose</c>) and returns
    /// <see cref="ExitCodes.Failed"/>.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration configuration)
    {
        ParseResult parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0 && !parsed.Action!.ClearsParseErrors)
        {
            Console.Error.WriteLine(UsageErrors.Line(parsed));
            return ExitCodes.Usage;
        }

        CliOutput.Verbosity = parsed.GetValue<bool>("--quiet") ? Verbosity.Quiet : parsed.GetValue<bool>("--verbose") ? Verbosity.Verbose : Verbosity.Normal;
        CliOutput.NoProgress = parsed.GetValue<bool>("--no-progress") || CliOutput.Quiet;
        // System.CommandLine's own handler prints every exception with its stack trace: ours prints one line.
        configuration.EnableDefaultExceptionHandler = false;
        try
        {
            return await parsed.InvokeAsync(configuration).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            configuration.Error.WriteLine(InternalErrors.Describe(e, CliOutput.Verbose));
            return ExitCodes.Failed;
        }
    }
}
