using System.CommandLine;
using MoSiC.Stream.Runner.Cli;
using MoSiC.Stream.Runner.Output;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>An exception no command expected (a bug) ends in one line and exit 1; its stack trace only with --verbose.</summary>
[Collection(CliOutputState.Name)]
public sealed class InternalErrorTests
{
    // Help goes to the configuration's output; a writer that fails there is a failure nothing in a command expects.
    private sealed class BrokenWriter : StringWriter
    {
        public override void Write(char value) => throw new InvalidOperationException("the output writer broke");

        public override void Write(string? value) => throw new InvalidOperationException("the output writer broke");

        public override void WriteLine(string? value) => throw new InvalidOperationException("the output writer broke");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_unexpected_exception_is_one_line_and_its_stack_trace_only_with_verbose(bool verbose)
    {
        var error = new StringWriter();
        string[] args = verbose ? ["--help", "--verbose"] : ["--help"];
        int code;
        try
        {
            code = await MosicCli.InvokeAsync(args, new InvocationConfiguration { Output = new BrokenWriter(), Error = error });
        }
        finally
        {
            CliOutput.Verbosity = Verbosity.Normal;
        }

        Assert.Equal(1, code);
        string text = error.ToString();
        Assert.Contains("internal error (a bug in mosic-stream", text);
        Assert.Contains("InvalidOperationException", text);
        Assert.Contains("the output writer broke", text);
        if (verbose) Assert.Contains("   at ", text);
        else
        {
            Assert.DoesNotContain("   at ", text);
            Assert.Contains("rerun with --verbose", text);
            Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
