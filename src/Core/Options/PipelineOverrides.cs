using System.Text.Json;
using System.Text.Json.Nodes;

namespace MoSiC.Stream.Core.Options;

/// <summary>
/// <c>--set PATH=VALUE</c>: edits to a pipeline's JSON before it is bound, so an override is checked exactly like the
/// file (unknown fields, types, ranges, all errors at once) and, where it changes tracks, reaches the cache key. PATH is
/// the dotted field path as the file spells it (<c>tracker.name</c>, <c>trainer.epochs</c>); VALUE is JSON when it
/// parses as JSON (<c>2</c>, <c>true</c>, <c>["a","b"]</c>) and a string otherwise (<c>lk</c>).
/// </summary>
public static class PipelineOverrides
{
    /// <summary>Applies <paramref name="overrides"/> in order to <paramref name="root"/>; errors name the override.</summary>
    /// <exception cref="OptionsException">An override is not PATH=VALUE, or its path runs through a value that is not an object.</exception>
    public static void Apply(JsonObject root, IReadOnlyList<string> overrides, string source)
    {
        var errors = new List<string>();
        foreach (string text in overrides)
        {
            int equals = text.IndexOf('=', StringComparison.Ordinal);
            string[] path = equals > 0 ? text[..equals].Split('.') : [];
            if (path.Length == 0 || path.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"--set {text}: expected PATH=VALUE, e.g. --set tracker.name=lk or --set trainer.epochs=2");
                continue;
            }

            JsonObject parent = root;
            string? blocked = null;
            for (int i = 0; i < path.Length - 1 && blocked is null; i++)
            {
                JsonNode? child = parent[path[i]];
                if (child is null) parent[path[i]] = child = new JsonObject();
                if (child is JsonObject next) parent = next;
                else blocked = string.Join('.', path[..(i + 1)]);
            }

            if (blocked is not null) errors.Add($"--set {text}: {blocked} holds a value ({parent[blocked.Split('.')[^1]]?.ToJsonString()}), not an object with fields");
            else parent[path[^1]] = Value(text[(equals + 1)..]);
        }

        if (errors.Count > 0) throw new OptionsException(source, errors);
    }

    // JSON when it is JSON; a bare word is a string, so --set tracker.name=lk needs no quotes.
    private static JsonNode? Value(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
