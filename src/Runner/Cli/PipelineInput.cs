using System.CommandLine;
using MoSiC.Stream.Runner.Output;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>
/// How every command takes its pipeline: <c>--pipeline FILE</c> (<c>-p</c>). <c>run</c>, <c>track</c>, <c>train</c>,
/// <c>profile</c> and <c>cache</c> took it as a positional argument; that still works, with a deprecation note on
/// stderr, because commands with their own positional arguments (<c>track eval GT…</c>, <c>cache export VIDEO</c>)
/// cannot take it that way.
/// </summary>
internal sealed class PipelineInput
{
    private const string Description = "Pipeline file (default: the embedded pipelines/sample.json: a synthetic corpus that runs anywhere).";

    private readonly Option<string?> _option;
    private readonly Argument<string?>? _positional;

    private PipelineInput(Option<string?> option, Argument<string?>? positional) => (_option, _positional) = (option, positional);

    /// <summary>The <c>--pipeline</c> option alone (commands whose positional arguments are something else).</summary>
    public static PipelineInput OptionOnly(Command command, string? description = null)
    {
        var option = NewOption(description);
        command.Options.Add(option);
        return new PipelineInput(option, null);
    }

    /// <summary><c>--pipeline</c>, and the deprecated positional form.</summary>
    public static PipelineInput WithPositional(Command command)
    {
        var option = NewOption(null);
        var positional = new Argument<string?>("pipeline") { Description = "Deprecated: use --pipeline.", Arity = ArgumentArity.ZeroOrOne, Hidden = true };
        command.Options.Add(option);
        command.Arguments.Add(positional);
        positional.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault()?.Value is { } value && value.StartsWith('-'))
                result.AddError($"unknown option '{value}'");
        });
        command.Validators.Add(result =>
        {
            if (result.GetValue(option) is not null && result.GetValue(positional) is not null)
                result.AddError("the pipeline is given twice: keep --pipeline FILE and drop the positional one");
        });
        return new PipelineInput(option, positional);
    }

    /// <summary>The pipeline path given, or null for the embedded sample; notes the deprecated form on stderr.</summary>
    public string? Resolve(ParseResult result)
    {
        if (_positional is not null && result.GetValue(_positional) is { } old)
        {
            if (!CliOutput.Quiet) Console.Error.WriteLine($"note: a positional pipeline is deprecated; write --pipeline {old}");
            return old;
        }

        return result.GetValue(_option);
    }

    private static Option<string?> NewOption(string? description) =>
        new("--pipeline", "-p") { Description = description ?? Description, HelpName = "FILE" };
}
