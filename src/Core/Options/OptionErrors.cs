namespace MoSiC.Stream.Core.Options;

/// <summary>Collects validation errors, each naming the field path (<c>decode.fps</c>) and the bad value.</summary>
public sealed class OptionErrors
{
    private readonly List<string> _errors = [];

    /// <summary>The errors found so far, in the order they were found.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Records <paramref name="message"/> against <paramref name="path"/> unless <paramref name="ok"/>.</summary>
    public void Require(bool ok, string path, string message)
    {
        if (!ok) _errors.Add($"{path} {message}");
    }

    /// <summary>Records an error against <paramref name="path"/>.</summary>
    public void Add(string path, string message) => _errors.Add($"{path} {message}");

    /// <summary>Records a message that already names its field path.</summary>
    public void AddMessage(string message) => _errors.Add(message);

    /// <summary>Throws <see cref="OptionsException"/> listing every error, if there is any.</summary>
    public void ThrowIfAny(string source)
    {
        if (_errors.Count > 0) throw new OptionsException(source, _errors);
    }

    /// <summary>Joins a parent path and a member name.</summary>
    public static string Join(string parent, string member) => parent.Length == 0 ? member : $"{parent}.{member}";

    internal static string Show(double value) => value.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A pipeline file (or other options source) that is malformed or contradictory; nothing has run yet. The message
/// lists every error, as <c>SOURCE:LINE:COLUMN: error</c> where the position is known (editors jump to it).
/// </summary>
public sealed class OptionsException(string source, IReadOnlyList<string> errors, IReadOnlyList<(int Line, int Column)?>? locations = null)
    : Exception(Format(source, errors, locations))
{
    /// <summary>Where the options came from (a file path, or "embedded sample.json").</summary>
    public string Origin { get; } = source;

    /// <summary>Every error, each naming the field path and the bad value.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;

    /// <summary>Line and column (1-based) of each error in <see cref="Errors"/>, null where unknown (or all null).</summary>
    public IReadOnlyList<(int Line, int Column)?> Locations { get; } = locations ?? errors.Select(_ => ((int, int)?)null).ToArray();

    private static string Format(string source, IReadOnlyList<string> errors, IReadOnlyList<(int Line, int Column)?>? locations) =>
        $"{source}: {errors.Count} error(s) in the pipeline options:" + string.Concat(errors.Select((e, i) =>
            $"{Environment.NewLine}  - " + (locations?[i] is { } at ? $"{source}:{at.Line}:{at.Column}: " : "") + e));
}
