using System.Text.Json;

namespace MoSiC.Stream.Synthetic;

/// <summary>JSON settings shared by the corpus files: camelCase names, indented manifest, compact tracks.</summary>
internal static class CorpusJson
{
    public static JsonSerializerOptions Indented { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static JsonSerializerOptions Compact { get; } = new(JsonSerializerDefaults.Web);
}
