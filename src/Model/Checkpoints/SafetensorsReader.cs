using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Reads a <c>.safetensors</c> file: an 8-byte little-endian header length, a UTF-8 JSON header
/// <c>{name: {dtype, shape, data_offsets}}</c> with an optional <c>__metadata__</c> map, then the raw
/// little-endian, C-contiguous tensor data. Supports F32, F16, U8, I64 and BOOL.
/// </summary>
/// <remarks>
/// The whole file is read into memory once: the files this reads (golden fixtures, small checkpoints) are
/// megabytes, and a byte array lets every tensor be built with one copy and no native file handle to own.
/// </remarks>
public sealed class SafetensorsReader
{
    private const string MetadataKey = "__metadata__";
    // A header bigger than this is a corrupt length field, not a real file.
    private const long MaxHeaderBytes = 100L << 20;

    private readonly byte[] _data;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsEntry> _entries;

    private SafetensorsReader(byte[] data, long dataStart, Dictionary<string, SafetensorsEntry> entries,
        IReadOnlyDictionary<string, string> metadata)
    {
        _data = data;
        _dataStart = dataStart;
        _entries = entries;
        Metadata = metadata;
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
        _entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"no tensor \"{name}\" in the file");

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not well-formed safetensors.</exception>
    public static SafetensorsReader Open(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new InvalidDataException($"{path}: shorter than the 8-byte header length");
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > bytes.Length)
            throw new InvalidDataException($"{path}: header length {headerLength} does not fit a {bytes.Length}-byte file");

        long dataStart = 8 + headerLength;
        long dataLength = bytes.Length - dataStart;
        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (prop.Name == MetadataKey)
            {
                foreach (var m in prop.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                continue;
            }
            var entry = ParseEntry(path, prop.Name, prop.Value);
            if (entry.End > dataLength)
                throw new InvalidDataException($"{path}: \"{prop.Name}\" ends at {entry.End}, past the {dataLength}-byte data section");
            entries.Add(prop.Name, entry);
        }
        return new SafetensorsReader(bytes, dataStart, entries, metadata);
    }

    /// <summary>
    /// Builds a new CPU tensor holding <paramref name="name"/> with its stored dtype and shape
    /// (0-d for <c>shape: []</c>). The caller owns (disposes) it.
    /// </summary>
    public Tensor Load(string name)
    {
        var e = Entry(name);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian host");
        var raw = new ReadOnlySpan<byte>(_data, checked((int)(_dataStart + e.Begin)), checked((int)(e.End - e.Begin)));
        using var scope = NewDisposeScope();
        Tensor flat = e.DType switch
        {
            ScalarType.Float32 => tensor(MemoryMarshal.Cast<byte, float>(raw).ToArray()),
            // fp16 widens to fp32 exactly; narrowing back restores the stored bits.
            ScalarType.Float16 => tensor(Array.ConvertAll(MemoryMarshal.Cast<byte, Half>(raw).ToArray(), h => (float)h)).to(ScalarType.Float16),
            ScalarType.Int64 => tensor(MemoryMarshal.Cast<byte, long>(raw).ToArray()),
            ScalarType.Byte => tensor(raw.ToArray()),
            ScalarType.Bool => tensor(Array.ConvertAll(raw.ToArray(), b => b != 0)),
            _ => throw new InvalidDataException($"\"{name}\": unsupported dtype {e.DType}"),
        };
        return flat.reshape(e.Shape).contiguous().MoveToOuterDisposeScope();
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement json)
    {
        string dtypeName = json.GetProperty("dtype").GetString() ?? "";
        var (dtype, size) = dtypeName switch
        {
            "F32" => (ScalarType.Float32, 4),
            "F16" => (ScalarType.Float16, 2),
            "U8" => (ScalarType.Byte, 1),
            "I64" => (ScalarType.Int64, 8),
            "BOOL" => (ScalarType.Bool, 1),
            _ => throw new InvalidDataException($"{path}: \"{name}\" has unsupported dtype {dtypeName}"),
        };
        long[] shape = json.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        long[] offsets = json.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            throw new InvalidDataException($"{path}: \"{name}\" has bad data_offsets");
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if ((offsets[1] - offsets[0]) != count * size)
            throw new InvalidDataException($"{path}: \"{name}\" spans {offsets[1] - offsets[0]} bytes, expected {count * size} for {dtypeName}[{string.Join(",", shape)}]");
        return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }
}

/// <summary>One tensor's header entry: dtype, shape and byte range within the data section.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End);
