using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MoSiC.Stream.Tests.Model.Checkpoints;

/// <summary>Writes pickles opcode by opcode (honest or hostile) and wraps them in a torch.save-style zip.</summary>
internal sealed class PickleBytes
{
    private readonly MemoryStream _bytes = new();

    public PickleBytes Op(byte op, params byte[] args)
    {
        _bytes.WriteByte(op);
        _bytes.Write(args);
        return this;
    }

    public PickleBytes Proto() => Op(0x80, 2);

    public PickleBytes Mark() => Op((byte)'(');

    public PickleBytes Dict() => Op((byte)'}');

    public PickleBytes Tuple() => Op((byte)'t');

    public PickleBytes SetItem() => Op((byte)'s');

    public PickleBytes SetItems() => Op((byte)'u');

    public PickleBytes Reduce() => Op((byte)'R');

    public PickleBytes Stop() => Op((byte)'.');

    public PickleBytes False() => Op(0x89);

    public PickleBytes Put(uint index) => Op((byte)'r', Le(index));

    public PickleBytes Get(uint index) => Op((byte)'j', Le(index));

    public PickleBytes Int(int value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        return Op((byte)'J', b);
    }

    public PickleBytes Str(string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        return Op((byte)'X', [.. Le((uint)utf8.Length), .. utf8]);
    }

    public PickleBytes Global(string module, string name) => Op((byte)'c', Encoding.UTF8.GetBytes($"{module}\n{name}\n"));

    /// <summary>A tensor as torch.save writes it: _rebuild_tensor_v2((persistent storage id), offset, size, stride, False, OrderedDict()).</summary>
    public PickleBytes Tensor(string key, string storageType, long elements, long[] size, long[] stride, long offset = 0)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().Str("storage").Global("torch", storageType).Str(key).Str("cpu").Int((int)elements).Tuple().Op((byte)'Q');
        Int((int)offset);
        Mark();
        foreach (long s in size) Int((int)s);
        Tuple().Mark();
        foreach (long s in stride) Int((int)s);
        Tuple().False().Global("collections", "OrderedDict").Op((byte)')').Reduce();
        return Tuple().Reduce();
    }

    public byte[] ToArray() => _bytes.ToArray();

    public static byte[] Le(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return b;
    }

    /// <summary>Writes a torch.save-style zip: <c>archive/data.pkl</c>, <c>archive/data/&lt;key&gt;</c>…, <c>archive/version</c>.</summary>
    public static void Zip(string path, byte[] pickle, IEnumerable<(string Key, byte[] Data)>? storages = null, CompressionLevel level = CompressionLevel.NoCompression, CompressionLevel pickleLevel = CompressionLevel.NoCompression)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        void Add(string name, byte[] data, CompressionLevel how)
        {
            using System.IO.Stream s = zip.CreateEntry(name, how).Open();
            s.Write(data);
        }

        Add("archive/data.pkl", pickle, pickleLevel);
        foreach (var (key, data) in storages ?? []) Add($"archive/data/{key}", data, level);
        Add("archive/version", "3\n"u8.ToArray(), CompressionLevel.NoCompression);
    }
}
