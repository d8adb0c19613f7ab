using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Runner.Pipelines;

/// <summary>Loads a pipeline file, or the embedded <c>pipelines/sample.json</c> when none is named.</summary>
public static class PipelineSource
{
    /// <summary>The name the embedded default goes by in messages.</summary>
    public const string EmbeddedName = "embedded pipelines/sample.json";

    /// <summary>Reads and validates <paramref name="path"/>, or the embedded sample when it is null, with <paramref name="overrides"/> (<c>--set</c>) applied.</summary>
    public static PipelineOptions Load(string? path, IReadOnlyList<string>? overrides = null) =>
        path is null ? PipelineJson.Parse(EmbeddedSample(), EmbeddedName, overrides) : PipelineJson.Load(path, overrides);

    /// <summary>The text of the embedded sample pipeline.</summary>
    public static string EmbeddedSample()
    {
        using var stream = typeof(PipelineSource).Assembly.GetManifestResourceStream("pipelines/sample.json")
            ?? throw new InvalidOperationException("The build did not embed pipelines/sample.json.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
