using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Support;

/// <summary>Writes float32 tensors as safetensors, for building checkpoints with other key layouts in tests.</summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors)
    {
        var items = tensors.Select(t => (t.Name, Data: t.Tensor.to(ScalarType.Float32).contiguous())).ToList();
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, data) in items)
        {
            long bytes = data.numel() * 4;
            header[name] = new { dtype = "F32", shape = data.shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;
        using var f = File.Create(path);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
        f.Write(len);
        f.Write(json);
        for (int i = json.Length; i < padded; i++)
            f.WriteByte((byte)' ');
        foreach (var (_, data) in items)
        {
            f.Write(data.bytes);
            data.Dispose();
        }
    }
}
