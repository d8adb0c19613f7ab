using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Reads <c>.safetensors</c> files: an 8-byte little-endian header length, a UTF-8 JSON header
/// <c>{name: {dtype, shape, data_offsets}}</c> (plus optional <c>__metadata__</c>), then raw little-endian,
/// C-contiguous tensor data.
/// </summary>
public static class SafetensorsReader
{
    // A header larger than this is a corrupt or hostile file, not a checkpoint (the format's own limit is 100 MB).
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads every tensor of <paramref name="path"/> onto the CPU, in header order.</summary>
    /// <exception cref="InvalidDataException">The file is not well-formed safetensors; the message names the file.</exception>
    public static StateDict Read(string path)
    {
        using var stream = File.OpenRead(path);
        var entries = ReadHeader(stream, path, out long dataStart);
        long dataLength = stream.Length - dataStart;
        var tensors = new List<KeyValuePair<string, Tensor>>(entries.Count);
        try
        {
            foreach (var e in entries)
            {
                long bytes = e.Shape.Aggregate(1L, (a, s) => a * s) * ElementSize(e.Dtype);
                if (e.Begin < 0 || e.End > dataLength || e.End - e.Begin != bytes)
                    throw new InvalidDataException(
                        $"{path}: tensor '{e.Name}' ({e.DtypeName} [{string.Join(", ", e.Shape)}]) has data_offsets " +
                        $"[{e.Begin}, {e.End}] that do not fit {bytes} bytes inside the {dataLength}-byte data section");
                var t = empty(e.Shape, e.Dtype);
                tensors.Add(new(e.Name, t));
                stream.Position = dataStart + e.Begin;
                // Reads straight into the tensor's CPU storage (contiguous, fresh).
                stream.ReadExactly(t.bytes);
                if (!BitConverter.IsLittleEndian)
                    throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported");
            }
        }
        catch
        {
            foreach (var (_, t) in tensors)
                t.Dispose();
            throw;
        }
        return new StateDict(path, tensors);
    }

    /// <summary>The <c>__metadata__</c> map of <paramref name="path"/> (empty when absent).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(ReadHeaderBytes(stream, path));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("__metadata__", out var meta) && meta.ValueKind == JsonValueKind.Object)
            foreach (var p in meta.EnumerateObject())
                result[p.Name] = p.Value.GetString() ?? "";
        return result;
    }

    private sealed record Entry(string Name, string DtypeName, ScalarType Dtype, long[] Shape, long Begin, long End);

    private static byte[] ReadHeaderBytes(System.IO.Stream stream, string path)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Length < 8)
            throw new InvalidDataException($"{path}: too short for a safetensors file ({stream.Length} bytes)");
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)MaxHeaderBytes || (long)headerLength > stream.Length - 8)
            throw new InvalidDataException($"{path}: safetensors header length {headerLength} exceeds the file ({stream.Length} bytes)");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        return header;
    }

    private static List<Entry> ReadHeader(System.IO.Stream stream, string path, out long dataStart)
    {
        byte[] header = ReadHeaderBytes(stream, path);
        dataStart = 8 + header.Length;
        var entries = new List<Entry>();
        try
        {
            using var doc = JsonDocument.Parse(header);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                    continue;
                string dtypeName = p.Value.GetProperty("dtype").GetString() ?? "";
                long[] shape = p.Value.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray();
                long[] offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(s => s.GetInt64()).ToArray();
                if (offsets.Length != 2)
                    throw new InvalidDataException($"{path}: tensor '{p.Name}' needs two data_offsets, got {offsets.Length}");
                entries.Add(new Entry(p.Name, dtypeName, ParseDtype(dtypeName, p.Name, path), shape, offsets[0], offsets[1]));
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: malformed safetensors header: {ex.Message}", ex);
        }
        return entries;
    }

    private static ScalarType ParseDtype(string dtype, string name, string path) => dtype switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"{path}: tensor '{name}' has unsupported dtype '{dtype}'"),
    };

    private static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
