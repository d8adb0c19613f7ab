using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MoSiC.Stream.Core.Options;

/// <summary>
/// Reads pipeline files into <see cref="PipelineOptions"/>: camelCase fields, comments and trailing commas allowed,
/// unknown fields rejected, every error naming the field path and the bad value. Also exports the JSON schema.
/// </summary>
public static class PipelineJson
{
    /// <summary>The serializer settings pipeline files are bound with.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.Strict,
        WriteIndented = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>Reads and validates a pipeline file.</summary>
    public static PipelineOptions Load(string path)
    {
        if (Directory.Exists(path)) throw new OptionsException(path, ["is a folder, not a pipeline file: name the .json file"]);
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OptionsException(path, [$"cannot be read: {ex.Message}"]);
        }
        return Parse(text, path);
    }

    /// <summary>
    /// Binds and validates pipeline JSON; <paramref name="source"/> names it in errors. Every error of the file is
    /// reported at once (unknown fields, wrong types, bad values), each with its line and column.
    /// </summary>
    public static PipelineOptions Parse(string json, string source)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException ex)
        {
            int line = (int)(ex.LineNumber ?? 0) + 1, column = (int)(ex.BytePositionInLine ?? 0) + 1;
            throw new OptionsException(source, [$"is not valid JSON (line {line}, column {column}): {FirstSentence(ex.Message)}"], [(line, column)]);
        }
        if (root is not JsonObject tree)
            throw new OptionsException(source, [$"must hold a JSON object at the top level, got {root?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}"]);

        // Shape first (it prunes what cannot bind), then binding and validation of the rest, then all errors together.
        var shape = JsonShape.Check(tree, typeof(PipelineOptions), SerializerOptions);
        var errors = new List<string>(shape.Errors);
        PipelineOptions? options = null;
        try { options = tree.Deserialize<PipelineOptions>(SerializerOptions); }
        catch (JsonException ex) { errors.Add(Describe(ex, tree)); }
        if (options is not null)
        {
            try { options.Validate(source); }
            catch (OptionsException ex) { errors.AddRange(ex.Errors.Where(e => !shape.Explains(e)).Select(WithSuggestion)); }
        }

        if (errors.Count == 0) return options!;
        var positions = JsonPositions.Map(json);
        var located = errors.Select(e => (Error: e, At: JsonPositions.Find(positions, e.Split(' ', 2)[0]))).OrderBy(e => e.At ?? (int.MaxValue, 0)).ToArray();
        throw new OptionsException(source, located.Select(e => e.Error).ToArray(), located.Select(e => e.At).ToArray());
    }

    // "must be one of a, b, c, got "x"" (the records' own checks of names) gains the nearest allowed name.
    private static string WithSuggestion(string error)
    {
        const string oneOf = " must be one of ", got = ", got \"";
        int from = error.IndexOf(oneOf, StringComparison.Ordinal), to = error.LastIndexOf(got, StringComparison.Ordinal);
        if (from < 0 || to < from || !error.EndsWith('"')) return error;
        string[] allowed = error[(from + oneOf.Length)..to].Split(", ");
        return error + NearestName.Hint(error[(to + got.Length)..^1], allowed);
    }

    /// <summary>The JSON schema of pipeline files, with every field's description and default.</summary>
    public static string ExportSchema()
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = static (context, node) =>
            {
                if (node is not JsonObject obj) return node;
                var description = (context.PropertyInfo?.AttributeProvider as MemberInfo)?.GetCustomAttribute<DescriptionAttribute>()?.Description;
                if (description is not null) obj.Insert(0, "description", description);
                if (context.PropertyInfo is null && context.TypeInfo.Type == typeof(PipelineOptions))
                {
                    obj.Insert(0, "$schema", "https://json-schema.org/draft/2020-12/schema");
                    obj.Insert(1, "title", "MoSiC.Stream pipeline");
                }
                return obj;
            },
        };
        var schema = SerializerOptions.GetJsonSchemaAsNode(typeof(PipelineOptions), exporter);
        AddDefaults(schema, JsonSerializer.SerializeToNode(new PipelineOptions(), SerializerOptions));
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static void AddDefaults(JsonNode schema, JsonNode? defaults)
    {
        if (schema["properties"] is not JsonObject properties || defaults is not JsonObject values) return;
        foreach (var (name, property) in properties)
        {
            if (property is null || !values.TryGetPropertyValue(name, out var value)) continue;
            if (value is JsonObject) AddDefaults(property, value);
            else if (value is not null && property is JsonObject p) p["default"] = value.DeepClone();
        }
    }

    // Turns System.Text.Json's type-centred message into one that names the field and the value the user wrote.
    private static string Describe(JsonException ex, JsonNode root)
    {
        var path = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
        if (ex.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var name = ex.Message.Split('\'') is { Length: > 2 } parts ? parts[1] : "?";
            var field = path.Length == 0 ? name : path.EndsWith(name, StringComparison.Ordinal) ? path : $"{path}.{name}";
            var parent = field.Contains('.') ? field[..field.LastIndexOf('.')] : "";
            return $"{Display(field)} is not a known field{AllowedFields(parent)}";
        }
        var bad = Lookup(root, path);
        var shown = bad is null ? "null" : bad.ToJsonString();
        var expected = ex.Message.Contains("could not be converted to", StringComparison.Ordinal)
            ? $"has the wrong type: {Friendly(FirstSentence(ex.Message[(ex.Message.IndexOf("could not be converted to", StringComparison.Ordinal) + 26)..]).TrimEnd('.'))} expected"
            : FirstSentence(ex.Message);
        return $"{Display(path)} {expected}, got {shown}";
    }

    // .NET type names as a pipeline author reads them.
    private static string Friendly(string type) => type.Trim() switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "a whole number or null",
        "System.Double" or "System.Single" => "a number",
        "System.Nullable`1[System.Double]" or "System.Nullable`1[System.Single]" => "a number or null",
        "System.Boolean" => "true or false",
        "System.String" => "a string",
        "System.String[]" => "a list of strings",
        var other when other.StartsWith("MoSiC.Stream.Core.Options.", StringComparison.Ordinal) => "an object or a name (see pipelines/pipeline.schema.json)",
        var other => other,
    };

    private static string Display(string path) => path.Length == 0 ? "(top level)" : path;

    private static string AllowedFields(string parentPath)
    {
        Type type = typeof(PipelineOptions);
        foreach (var segment in parentPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var property = SerializerOptions.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == segment);
            if (property is null) return "";
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }
        var names = SerializerOptions.GetTypeInfo(type).Properties.Select(p => p.Name).Where(n => n != "$schema");
        return $" (allowed: {string.Join(", ", names)})";
    }

    private static JsonNode? Lookup(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment;
            var index = -1;
            var bracket = segment.IndexOf('[');
            if (bracket >= 0)
            {
                name = segment[..bracket];
                _ = int.TryParse(segment[(bracket + 1)..].TrimEnd(']'), out index);
            }
            if (name.Length > 0) node = node is JsonObject o && o.TryGetPropertyValue(name, out var child) ? child : null;
            if (index >= 0) node = node is JsonArray a && index < a.Count ? a[index] : null;
        }
        return node;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
