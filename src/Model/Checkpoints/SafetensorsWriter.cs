using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MoSiC.Stream.Core.Files;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Writes tensors as a safetensors file (8-byte little-endian header length, JSON header with an optional
/// <c>__metadata__</c> string map, raw little-endian data), atomically. <see cref="SafetensorsReader"/> reads it back.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (any device; copied to the CPU) and <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    /// <param name="path">Target file; replaced atomically.</param>
    /// <param name="tensors">Unique names and tensors, written in this order.</param>
    /// <param name="metadata">Optional string map stored under <c>__metadata__</c>.</param>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var (name, tensor) in items)
        {
            long bytes = tensor.numel() * tensor.ElementSize;
            if (!header.TryAdd(name, new { dtype = DType(tensor.dtype), shape = tensor.shape, data_offsets = new[] { offset, offset + bytes } }))
                throw new ArgumentException($"tensor '{name}' appears twice");
            offset += bytes;
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var (_, tensor) in items)
            {
                // One tensor at a time on the CPU keeps peak memory at the largest tensor, not the whole state.
                using var cpu = tensor.detach().cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        });
    }

    private static string DType(ScalarType type) => type switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors has no dtype for {type}"),
    };
}
