namespace MoSiC.Stream.Runner.Output;

/// <summary>
/// What a user sees of an exception nothing expected (a bug, not an input error): one line naming it and how to get
/// the details; the stack trace only with <c>--verbose</c>. Input errors never get here: each command turns them into
/// a message that names the file, the field and the fix.
/// </summary>
internal static class InternalErrors
{
    public static string Describe(Exception error, bool verbose) => verbose
        ? $"internal error (a bug in mosic-stream; please report it with this text): {error}"
        : $"internal error (a bug in mosic-stream): {error.GetType().Name}: {error.Message}; rerun with --verbose for the stack trace to report";

    /// <summary>A stage's failure as the run's last line says it: its type and message, and with <c>--verbose</c> its stack trace.</summary>
    public static string Stage(Exception fault, bool verbose) =>
        $"stopped by a failing stage: {fault.GetType().Name}: {fault.Message}{(verbose ? Environment.NewLine + fault.StackTrace : "")}";
}
