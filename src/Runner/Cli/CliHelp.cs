using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>
/// Every command's <c>--help</c> ends with examples to copy and the exit codes. System.CommandLine 2.0's help
/// builder is internal, so its help action is wrapped: the standard help first, then these two sections.
/// </summary>
internal static class CliHelp
{
    /// <summary>The exit codes, as the root help, README and <see cref="Output.ExitCodes"/> list them.</summary>
    public static readonly (int Code, string Meaning)[] ExitCodeTable =
    [
        (Output.ExitCodes.Ok, "done (including \"nothing to do\")"),
        (Output.ExitCodes.Failed, "failed or refused: bad pipeline, bad input, a safety check (gc, a locked checkpoint folder, a partial cache), an empty result"),
        (Output.ExitCodes.Usage, "usage error: unknown option or command, missing or malformed argument (one line on stderr)"),
        (Output.ExitCodes.Interrupted, "interrupted by Ctrl-C or SIGTERM after finishing in-flight work; rerun to resume"),
    ];

    private static readonly ConditionalWeakTable<Command, (string Line, string What)[]> Registered = [];

    /// <summary>Attaches examples (a command line to copy, and what it does) to <paramref name="command"/>'s help.</summary>
    public static TCommand WithExamples<TCommand>(this TCommand command, params (string Line, string What)[] examples)
        where TCommand : Command
    {
        Registered.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>The examples attached to <paramref name="command"/> (empty when none).</summary>
    public static IReadOnlyList<(string Line, string What)> ExamplesOf(Command command) =>
        Registered.TryGetValue(command, out var examples) ? examples : [];

    /// <summary>Makes <paramref name="root"/>'s help option (it applies to every sub-command) append the examples and exit codes.</summary>
    public static void Install(RootCommand root)
    {
        HelpOption help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is SynchronousCommandLineAction standard) help.Action = new WithSections(standard);
    }

    private sealed class WithSections(SynchronousCommandLineAction standard) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            int code = standard.Invoke(parseResult);
            TextWriter output = parseResult.InvocationConfiguration.Output;
            IReadOnlyList<(string Line, string What)> examples = ExamplesOf(parseResult.CommandResult.Command);
            if (examples.Count > 0)
            {
                output.WriteLine("Examples:");
                foreach (var (line, what) in examples)
                {
                    output.WriteLine($"  # {what}");
                    output.WriteLine($"  {line}");
                }

                output.WriteLine();
            }

            output.WriteLine("Exit codes:");
            foreach (var (exit, meaning) in ExitCodeTable) output.WriteLine($"  {exit,-4} {meaning}");
            output.WriteLine();
            return code;
        }
    }
}
