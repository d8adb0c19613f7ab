using System.Buffers.Binary;
using System.Text.Json;
using MoSiC.Stream.Core.Files;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Reads <c>.safetensors</c> files: an 8-byte little-endian header length, a UTF-8 JSON header
/// <c>{name: {dtype, shape, data_offsets}}</c> (plus an optional <c>__metadata__</c> map), then raw little-endian,
/// C-contiguous tensor data. <see cref="Open"/> parses the header and loads tensors one by one from the file
/// (fixtures, random access); <see cref="Read"/> loads them all as a <see cref="StateDict"/> (checkpoints).
/// Tensors are read straight into fresh CPU storage: no whole-file buffer, so a 350 MB checkpoint costs 350 MB.
/// The header is untrusted: sizes are computed with checked arithmetic, every tensor must lie inside the data section,
/// names must be unique and byte ranges must not overlap (so no two tensors, and no allocation, can claim the same
/// bytes twice).
/// </summary>
public sealed class SafetensorsReader
{
    private const string MetadataKey = "__metadata__";

    // A header larger than this is a corrupt or hostile file, not a checkpoint (the format's own limit is 100 MB).
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>The most dimensions a tensor may have.</summary>
    public const int MaxDims = 32;

    private readonly string _path;
    private readonly long _dataStart;
    private readonly List<SafetensorsEntry> _order;
    private readonly Dictionary<string, SafetensorsEntry> _entries;

    private SafetensorsReader(string path, long dataStart, List<SafetensorsEntry> order, IReadOnlyDictionary<string, string> metadata)
    {
        (_path, _dataStart, _order, Metadata) = (path, dataStart, order, metadata);
        _entries = order.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The optional string→string <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor names, sorted ordinally.</summary>
    public IReadOnlyList<string> Names => _entries.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    public SafetensorsEntry Entry(string name) =>
        _entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"{_path}: no tensor \"{name}\" in the file");

    /// <summary>Opens <paramref name="path"/> and checks its header against the file.</summary>
    /// <exception cref="InvalidDataException">The file is not well-formed safetensors; the message names the file.</exception>
    public static SafetensorsReader Open(string path)
    {
        if (FileKinds.Of(path) is not (FileKind.Regular or FileKind.Missing) and var kind)
            throw new InvalidDataException($"{path}: {ConfinedFolder.Describe(kind)}, not a safetensors file");
        using var stream = File.OpenRead(path);
        byte[] header = ReadHeaderBytes(stream, path);
        long dataStart = 8 + header.Length;
        long dataLength = stream.Length - dataStart;
        var entries = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(header);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == MetadataKey)
                {
                    foreach (var m in p.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }

                if (p.Name != MetadataKey && !names.Add(p.Name)) throw new InvalidDataException($"{path}: tensor '{p.Name}' appears twice in the header");
                SafetensorsEntry entry = ParseEntry(path, p.Name, p.Value);
                if (entry.End > dataLength)
                    throw new InvalidDataException($"{path}: tensor '{p.Name}' has data_offsets [{entry.Begin}, {entry.End}] past the {dataLength}-byte data section");
                entries.Add(entry);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: malformed safetensors header: {ex.Message}", ex);
        }

        // Two tensors over the same bytes would be two names for one weight (or one allocation per name for the same data).
        SafetensorsEntry? previous = null;
        foreach (SafetensorsEntry e in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
        {
            if (previous is not null && e.Begin < previous.End)
                throw new InvalidDataException($"{path}: tensors '{previous.Name}' [{previous.Begin}, {previous.End}] and '{e.Name}' [{e.Begin}, {e.End}] overlap");
            previous = e;
        }

        return new SafetensorsReader(path, dataStart, entries, metadata);
    }

    /// <summary>A new CPU tensor holding <paramref name="name"/> with its stored dtype and shape (0-d for <c>shape: []</c>); the caller disposes it.</summary>
    public Tensor Load(string name)
    {
        SafetensorsEntry e = Entry(name);
        using var stream = File.OpenRead(_path);
        return Load(stream, e);
    }

    /// <summary>Reads every tensor of <paramref name="path"/> onto the CPU, in header order.</summary>
    /// <exception cref="InvalidDataException">The file is not well-formed safetensors; the message names the file.</exception>
    public static StateDict Read(string path)
    {
        SafetensorsReader reader = Open(path);
        using var stream = File.OpenRead(path);
        var tensors = new List<KeyValuePair<string, Tensor>>(reader._order.Count);
        try
        {
            foreach (SafetensorsEntry e in reader._order) tensors.Add(new(e.Name, reader.Load(stream, e)));
        }
        catch
        {
            foreach (var (_, t) in tensors) t.Dispose();
            throw;
        }

        return new StateDict(path, tensors);
    }

    /// <summary>The <c>__metadata__</c> map of <paramref name="path"/> (empty when absent).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => Open(path).Metadata;

    private Tensor Load(FileStream stream, SafetensorsEntry e)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported");
        var t = empty(e.Shape, e.DType);
        try
        {
            stream.Position = _dataStart + e.Begin;
            // Straight into the fresh tensor's contiguous CPU storage.
            stream.ReadExactly(t.bytes);
            return t;
        }
        catch
        {
            t.Dispose();
            throw;
        }
    }

    private static byte[] ReadHeaderBytes(System.IO.Stream stream, string path)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Length < 8) throw new InvalidDataException($"{path}: too short for a safetensors file ({stream.Length} bytes)");
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength == 0 || headerLength > (ulong)MaxHeaderBytes || (long)headerLength > stream.Length - 8)
            throw new InvalidDataException($"{path}: safetensors header length {headerLength} does not fit the {stream.Length}-byte file");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        return header;
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement json)
    {
        string dtypeName = json.GetProperty("dtype").GetString() ?? "";
        var (dtype, size) = dtypeName switch
        {
            "F64" => (ScalarType.Float64, 8),
            "F32" => (ScalarType.Float32, 4),
            "F16" => (ScalarType.Float16, 2),
            "BF16" => (ScalarType.BFloat16, 2),
            "I64" => (ScalarType.Int64, 8),
            "I32" => (ScalarType.Int32, 4),
            "I16" => (ScalarType.Int16, 2),
            "I8" => (ScalarType.Int8, 1),
            "U8" => (ScalarType.Byte, 1),
            "BOOL" => (ScalarType.Bool, 1),
            _ => throw new InvalidDataException($"{path}: tensor '{name}' has unsupported dtype '{dtypeName}'"),
        };
        JsonElement shapeJson = json.GetProperty("shape"), offsetsJson = json.GetProperty("data_offsets");
        if (shapeJson.GetArrayLength() > MaxDims || offsetsJson.GetArrayLength() != 2)
            throw new InvalidDataException($"{path}: tensor '{name}' has {shapeJson.GetArrayLength()} dimensions (at most {MaxDims}) and {offsetsJson.GetArrayLength()} data_offsets (2)");
        long[] shape = shapeJson.EnumerateArray().Select(d => d.GetInt64()).ToArray();
        long[] offsets = offsetsJson.EnumerateArray().Select(d => d.GetInt64()).ToArray();
        if (offsets[0] < 0 || offsets[1] < offsets[0])
            throw new InvalidDataException($"{path}: tensor '{name}' has bad data_offsets [{string.Join(", ", offsets)}]");
        if (shape.Any(d => d < 0)) throw new InvalidDataException($"{path}: tensor '{name}' has a negative dimension in [{string.Join(", ", shape)}]");
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (a, d) => checked(a * d)) * size);
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{path}: tensor '{name}' ({dtypeName} [{string.Join(", ", shape)}]) has more bytes than 64 bits count");
        }

        if (offsets[1] - offsets[0] != bytes)
            throw new InvalidDataException($"{path}: tensor '{name}' ({dtypeName} [{string.Join(", ", shape)}]) spans {offsets[1] - offsets[0]} bytes, expected {bytes}");
        return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }
}

/// <summary>One tensor's header entry: dtype, shape and byte range within the data section.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End);
