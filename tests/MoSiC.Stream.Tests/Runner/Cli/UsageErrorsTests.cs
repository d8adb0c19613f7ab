using System.CommandLine;
using MoSiC.Stream.Runner.Cli;

namespace MoSiC.Stream.Tests.Runner.Cli;

/// <summary>The one line a command line that does not parse ends with (in-process: the parser, no child process).</summary>
public sealed class UsageErrorsTests
{
    [Theory]
    [InlineData("run --shrad 1/2", "mosic-stream run: unknown option '--shrad' (did you mean \"--shard\"?); see 'mosic-stream run --help'")]
    [InlineData("rnu", "mosic-stream: unknown command or argument 'rnu' (did you mean \"run\"?); see 'mosic-stream --help'")]
    [InlineData("cache ls --dri x", "mosic-stream cache ls: unknown option '--dri' (did you mean \"--dir\"?); see 'mosic-stream cache ls --help'")]
    [InlineData("profile --mode trak", "mosic-stream profile: --mode must be one of run, track, train, got 'trak' (did you mean \"track\"?); see 'mosic-stream profile --help'")]
    [InlineData("track eval --frames abc x", "mosic-stream track eval: --frames expects a whole number, got 'abc'; see 'mosic-stream track eval --help'")]
    [InlineData("run --shard 2/2", "mosic-stream run: --shard must be i/n with 0 <= i < n (e.g. 0/4 for the first of four), got \"2/2\"; see 'mosic-stream run --help'")]
    public void A_usage_error_is_one_line_with_the_nearest_name(string args, string expected)
    {
        ParseResult parsed = MosicCli.Build().Parse(args);
        Assert.NotEmpty(parsed.Errors);
        Assert.Equal(expected, UsageErrors.Line(parsed));
    }

    [Fact]
    public void The_deprecated_positional_pipeline_still_parses_and_the_two_forms_together_do_not()
    {
        Assert.Empty(MosicCli.Build().Parse("run p.json").Errors);
        Assert.Empty(MosicCli.Build().Parse("run --pipeline p.json").Errors);
        Assert.Empty(MosicCli.Build().Parse("cache ls -p p.json").Errors);
        Assert.NotEmpty(MosicCli.Build().Parse("run a.json --pipeline b.json").Errors);
    }
}
