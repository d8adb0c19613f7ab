using System.IO.Compression;
using System.Text;

namespace MoSiC.Stream.Tests.Support;

/// <summary>Reads arrays from a NumPy .npz (a zip of .npy files): little-endian float32, int32 and bool, C order, no pickles.</summary>
internal sealed class Npz(string path)
{
    public (int[] Shape, T[] Data) Read<T>(string name) where T : unmanaged
    {
        using ZipArchive zip = ZipFile.OpenRead(path);
        ZipArchiveEntry entry = zip.GetEntry(name + ".npy") ?? throw new InvalidDataException($"{path}: no array {name}");
        using var stream = new MemoryStream();
        using (System.IO.Stream s = entry.Open()) s.CopyTo(stream);
        byte[] bytes = stream.ToArray();

        // Format: magic "\x93NUMPY", version (2 bytes), header length (2 bytes in v1, 4 in v2/3), then a Python dict literal.
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int headerStart = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        string descr = Between(header, "'descr': '", "'");
        string expected = typeof(T) == typeof(float) ? "<f4" : typeof(T) == typeof(int) ? "<i4" : typeof(T) == typeof(bool) ? "|b1" : "?";
        if (descr != expected) throw new InvalidDataException($"{path}:{name} has dtype {descr}, asked for {expected}");
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal)) throw new InvalidDataException($"{path}:{name} is Fortran order");
        int[] shape = Between(header, "'shape': (", ")").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();

        int count = shape.Aggregate(1, (a, b) => a * b);
        var data = new T[count];
        Buffer.BlockCopy(bytes, headerStart + headerLength, data, 0, count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        return (shape, data);
    }

    private static string Between(string text, string start, string end)
    {
        int i = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[i..text.IndexOf(end, i, StringComparison.Ordinal)];
    }
}
