using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>
/// A command line that does not parse ends with one line on stderr (what is wrong, the nearest known option or
/// command when a name looks mistyped, and where help is) and exit code 2, instead of the whole help and exit 1.
/// </summary>
internal static partial class UsageErrors
{
    public static string Line(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        string name = CommandPath(parsed.CommandResult);
        Command command = parsed.CommandResult.Command;
        string message = Friendly(parsed.Errors[0]);
        // An unknown option may have been taken as a positional value; a dash gives it away.
        string? unknownOption = parsed.Tokens.FirstOrDefault(t => t.Type == TokenType.Argument && t.Value.StartsWith('-') && !double.TryParse(t.Value, out _))?.Value;
        if (unknownOption is not null)
        {
            IEnumerable<string> options = OptionsOf(parsed.CommandResult).Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
            message = $"unknown option '{unknownOption}'{NearestName.Hint(unknownOption, options)}";
        }
        else if (parsed.UnmatchedTokens.FirstOrDefault() is { } token)
        {
            message = $"unknown command or argument '{token}'{NearestName.Hint(token, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        return $"{name}: {message}; see '{name} --help'";
    }

    // The command's own options and the recursive ones of its parents (--quiet, --help…).
    private static IEnumerable<Option> OptionsOf(CommandResult result)
    {
        foreach (Option option in result.Command.Options) yield return option;
        for (SymbolResult? r = result.Parent; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                foreach (Option option in c.Command.Options.Where(o => o.Recursive)) yield return option;
            }
        }
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c) names.Add(c.Command is RootCommand ? "mosic-stream" : c.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    // System.CommandLine's wording for a value outside AcceptOnlyFromAmong or of the wrong type, as the pipeline's errors word it.
    private static string Friendly(ParseError error)
    {
        string raw = error.Message;
        string? option = error.SymbolResult switch
        {
            OptionResult o => o.Option.Name,
            ArgumentResult { Parent: OptionResult o } => o.Option.Name,
            _ => null,
        };
        Match notAllowed = NotAllowed().Match(raw);
        if (notAllowed.Success && option is not null)
        {
            string[] allowed = [.. Quoted().Matches(raw[notAllowed.Length..]).Select(m => m.Groups[1].Value)];
            string got = notAllowed.Groups[1].Value;
            return $"{option} must be one of {string.Join(", ", allowed)}, got '{got}'{NearestName.Hint(got, allowed)}";
        }

        Match badType = BadType().Match(raw);
        if (badType.Success)
        {
            string type = badType.Groups[3].Value;
            string expected = type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) || type.Contains("UInt64", StringComparison.Ordinal) ? "a whole number"
                : type.Contains("Double", StringComparison.Ordinal) ? "a number" : type;
            return $"{badType.Groups[2].Value} expects {expected}, got '{badType.Groups[1].Value}'";
        }

        return Flatten(raw);
    }

    [GeneratedRegex(@"^Argument '(.*)' not recognized\. Must be one of:")]
    private static partial Regex NotAllowed();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'")]
    private static partial Regex BadType();

    // System.CommandLine lists allowed values on tabbed lines; one line is the point here.
    private static string Flatten(string message) =>
        string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Replace(": '", " '", StringComparison.Ordinal);
}
