using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MoSiC.Stream.Core.Options;

/// <summary>
/// Checks a pipeline's JSON tree against the options records before binding, so every unknown field and every value
/// of the wrong type is reported, not only the first the serializer meets. Each bad node is removed from the tree, so
/// the rest still binds and validates; <see cref="Removed"/> lets the caller drop validation errors those removals cause.
/// </summary>
internal sealed class JsonShape
{
    private readonly JsonSerializerOptions _options;
    private readonly List<string> _errors = [];
    private readonly List<string> _removed = [];

    private JsonShape(JsonSerializerOptions options) => _options = options;

    /// <summary>The errors, each starting with its field path.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Paths of the fields removed from the tree.</summary>
    public IReadOnlyList<string> Removed => _removed;

    /// <summary>Checks (and prunes) <paramref name="root"/> as a <paramref name="type"/>.</summary>
    public static JsonShape Check(JsonObject root, Type type, JsonSerializerOptions options)
    {
        var shape = new JsonShape(options);
        shape.CheckObject(root, type, "");
        return shape;
    }

    /// <summary>True when a validation error about <paramref name="error"/>'s field follows only from a removed field.</summary>
    public bool Explains(string error) =>
        _removed.Any(r => error.StartsWith(r + " ", StringComparison.Ordinal) || error.StartsWith(r + ".", StringComparison.Ordinal) || error.StartsWith(r + "[", StringComparison.Ordinal));

    private void CheckObject(JsonObject node, Type type, string path)
    {
        JsonTypeInfo info = _options.GetTypeInfo(type);
        var properties = info.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (name, value) in node.ToArray())
        {
            string field = OptionErrors.Join(path, name);
            string? problem = properties.TryGetValue(name, out JsonPropertyInfo? property)
                ? Problem(value, property, field)
                : $"{field} is not a known field (allowed: {string.Join(", ", properties.Keys.Where(n => n != "$schema"))})" +
                  (NearestName.Find(name, properties.Keys) is { } near ? $"; did you mean \"{near}\"?" : "");
            if (problem is null) continue;
            _errors.Add(problem);
            _removed.Add(field);
            node.Remove(name);
        }
    }

    // Null when the value fits the property (nested objects are checked in place); otherwise the error.
    private string? Problem(JsonNode? value, JsonPropertyInfo property, string field)
    {
        Type declared = property.PropertyType;
        Type type = Nullable.GetUnderlyingType(declared) ?? declared;
        bool nullable = type != declared || (!declared.IsValueType && property.IsSetNullable);
        string shown = value is null ? "null" : value.ToJsonString();
        string WrongType(string expected) => $"{field} has the wrong type: {expected}{(nullable ? " or null" : "")} expected, got {shown}";

        if (value is null) return nullable ? null : WrongType(Expected(type));
        JsonValueKind kind = value.GetValueKind();
        if (type.IsEnum)
        {
            string[] names = EnumNames(type);
            string? typed = kind == JsonValueKind.String ? value.GetValue<string>() : null;
            return typed is not null && names.Contains(typed, StringComparer.Ordinal) ? null
                : $"{field} must be one of {string.Join(", ", names)}, got {shown}{(typed is null ? "" : NearestName.Hint(typed, names))}";
        }

        bool fits = type == typeof(bool) ? kind is JsonValueKind.True or JsonValueKind.False
            : type == typeof(int) ? kind == JsonValueKind.Number && value.AsValue().TryGetValue(out int _)
            : type == typeof(long) ? kind == JsonValueKind.Number && value.AsValue().TryGetValue(out long _)
            : type == typeof(double) || type == typeof(float) ? kind == JsonValueKind.Number
            : type == typeof(string) ? kind == JsonValueKind.String
            : typeof(IEnumerable<string>).IsAssignableFrom(type) ? kind == JsonValueKind.Array && value.AsArray().All(e => e?.GetValueKind() == JsonValueKind.String)
            : IsOptionsRecord(type) ? kind == JsonValueKind.Object
            : true; // Anything else is left to the serializer.
        if (!fits) return WrongType(Expected(type));
        if (IsOptionsRecord(type)) CheckObject(value.AsObject(), type, field);
        return null;
    }

    private static bool IsOptionsRecord(Type type) => type.IsClass && type.Namespace == typeof(JsonShape).Namespace;

    private static string Expected(Type type) =>
        type == typeof(bool) ? "true or false"
        : type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) || type == typeof(float) ? "a number"
        : type == typeof(string) ? "a string"
        : typeof(IEnumerable<string>).IsAssignableFrom(type) ? "a list of strings"
        : IsOptionsRecord(type) ? "an object"
        : type.Name;

    /// <summary>The names an enum is written as in JSON (<see cref="JsonStringEnumMemberNameAttribute"/>, else its member names).</summary>
    private static string[] EnumNames(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name).ToArray();
}
