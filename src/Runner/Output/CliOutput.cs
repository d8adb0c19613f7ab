namespace MoSiC.Stream.Runner.Output;

/// <summary>How much a command says: <c>--quiet</c>, the default, or <c>--verbose</c>.</summary>
internal enum Verbosity
{
    /// <summary>Only the result (totals, the summary) and errors: for Slurm logs and scripts.</summary>
    Quiet,

    /// <summary>Progress, per-video lines and the summary.</summary>
    Normal,

    /// <summary>Everything, with the details errors leave out by default (a checkpoint's tensor list).</summary>
    Verbose,
}

/// <summary>
/// The process-wide output settings of one <c>mosic-stream</c> invocation, set once from the global options before
/// the command runs (Cli/MosicCli). A CLI process runs one command, so a static is its natural home.
/// </summary>
internal static class CliOutput
{
    /// <summary>How much to say.</summary>
    public static Verbosity Verbosity { get; set; } = Verbosity.Normal;

    /// <summary>No live progress table and no periodic progress lines (<c>--no-progress</c>, and <c>--quiet</c>).</summary>
    public static bool NoProgress { get; set; }

    /// <summary>Machine-readable output on stdout (<c>--json</c>): everything for people goes to stderr.</summary>
    public static bool Json { get; set; }

    public static bool Quiet => Verbosity == Verbosity.Quiet;

    /// <summary>Where text for people goes: stdout, or stderr when stdout carries JSON.</summary>
    public static TextWriter Human => Json ? Console.Error : Console.Out;

    /// <summary>The Spectre console for people's tables and the live view (on stderr when stdout carries JSON).</summary>
    public static Spectre.Console.IAnsiConsole HumanConsole => Json ? StderrConsole.Value : Spectre.Console.AnsiConsole.Console;

    private static readonly Lazy<Spectre.Console.IAnsiConsole> StderrConsole = new(() => Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
    {
        Out = new Spectre.Console.AnsiConsoleOutput(Console.Error),
        Interactive = Console.IsErrorRedirected ? Spectre.Console.InteractionSupport.No : Spectre.Console.InteractionSupport.Detect,
    }));

    public static bool Verbose => Verbosity == Verbosity.Verbose;
}
