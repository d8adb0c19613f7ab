using System.Globalization;
using MoSiC.Stream.Eval.Segmentation;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>The comma lists <c>mosic-stream eval</c> takes (<c>-k auto,10</c>, <c>--scope per-frame,per-clip</c>, <c>--gaps 4,8,16</c>); null when one is malformed.</summary>
internal static class EvalSettings
{
    /// <summary>K values: a number ≥ 1, or auto (null).</summary>
    public static int?[]? Clusters(string text) => List(text, item =>
        item == "auto" ? (true, (int?)null)
        : int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1 ? (true, k) : (false, null));

    public static ClusteringScope[]? Scopes(string text) => List(text, item => item switch
    {
        "per-frame" => (true, ClusteringScope.PerFrame),
        "per-clip" => (true, ClusteringScope.PerClip),
        "per-dataset" => (true, ClusteringScope.PerDataset),
        _ => (false, default),
    });

    public static int[]? Gaps(string text) => List(text, item =>
        int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int g) && g >= 1 ? (true, g) : (false, 0));

    private static T[]? List<T>(string text, Func<string, (bool Ok, T Value)> parse)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(parse).ToArray();
        return items.Length > 0 && items.All(i => i.Ok) ? [.. items.Select(i => i.Value).Distinct()] : null;
    }
}
