namespace MoSiC.Stream.Tests.Support;

/// <summary>
/// Tests that run <c>MosicCli.InvokeAsync</c> in-process set the CLI's process-wide output settings (<c>--verbose</c>,
/// <c>--quiet</c>): they run alone, so a message another test builds meanwhile is not said at their verbosity.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliOutputState
{
    public const string Name = "CLI output settings";
}
