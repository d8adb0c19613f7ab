using System.Text;
using System.Text.Json;

namespace MoSiC.Stream.Core.Options;

/// <summary>
/// Where each field of a JSON text is (1-based line and column of its name, or of an array element), by the field
/// path errors use (<c>decode.fps</c>, <c>corpus.include[0]</c>), so an error can say <c>p.json:7:15</c>.
/// </summary>
internal static class JsonPositions
{
    public static IReadOnlyDictionary<string, (int Line, int Column)> Map(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var lineStarts = new List<int> { 0 };
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n') lineStarts.Add(i + 1);
        }

        (int, int) At(long offset)
        {
            int line = lineStarts.BinarySearch((int)offset);
            if (line < 0) line = ~line - 1;
            return (line + 1, Encoding.UTF8.GetCharCount(bytes, lineStarts[line], (int)offset - lineStarts[line]) + 1);
        }

        var map = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var open = new List<Container>();
        string pending = "";
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pending = OptionErrors.Join(open.Count > 0 ? open[^1].Path : "", reader.GetString()!);
                        map[pending] = At(reader.TokenStartIndex);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        open.Add(new Container(ValuePath(reader.TokenStartIndex), reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.RemoveAt(open.Count - 1);
                        break;
                    default:
                        ValuePath(reader.TokenStartIndex);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed text: the parser's own error has the position; what was mapped so far stays.
        }

        return map;

        // The path of the value starting at the reader: an array's next element, or the property just named.
        string ValuePath(long start)
        {
            if (open.Count == 0 || !open[^1].IsArray) return pending;
            string path = $"{open[^1].Path}[{open[^1].Next++}]";
            map[path] = At(start);
            return path;
        }
    }

    /// <summary>The position of <paramref name="path"/>, or of its nearest enclosing field that is in the text.</summary>
    public static (int Line, int Column)? Find(IReadOnlyDictionary<string, (int Line, int Column)> map, string path)
    {
        while (path.Length > 0)
        {
            if (map.TryGetValue(path, out var at)) return at;
            int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut > 0 ? path[..cut] : "";
        }

        return null;
    }

    private sealed class Container(string path, bool isArray)
    {
        public string Path { get; } = path;

        public bool IsArray { get; } = isArray;

        public int Next { get; set; }
    }
}
