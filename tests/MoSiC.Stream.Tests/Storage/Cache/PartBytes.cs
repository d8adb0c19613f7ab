using System.Buffers.Binary;
using System.Security.Cryptography;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Cache.Manifest;
using MoSiC.Stream.Storage.Cache.Parquet;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>
/// Edits a part's bytes as a writer that lies would: a footer field set to a hostile value, then the manifest entry
/// re-signed (size and SHA-256 of the new bytes), so only the reader's own checks stand between the bytes and a run.
/// </summary>
internal static class PartBytes
{
    /// <summary>Where the footer starts, and the footer's FileMetaData struct (spans relative to that start).</summary>
    public static (int Start, ThriftStruct Meta) Footer(byte[] part)
    {
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(part.AsSpan(part.Length - 8));
        int start = part.Length - 8 - length;
        return (start, new ThriftCompact(part.AsMemory(start, length), "test").ReadStruct());
    }

    /// <summary>The first column chunk's ColumnMetaData.</summary>
    public static ThriftStruct FirstColumn(ThriftStruct meta) =>
        ((ThriftStruct)((ThriftStruct)meta.List(4)[0]).List(1)[0]).Struct(3)!;

    /// <summary>Replaces footer bytes [from, to) (relative to the footer) with <paramref name="with"/>, fixing the footer length.</summary>
    public static byte[] Splice(byte[] part, int from, int to, byte[] with)
    {
        (int start, _) = Footer(part);
        byte[] result = [.. part.AsSpan(0, start + from), .. with, .. part.AsSpan(start + to)];
        int footer = result.Length - 8 - start;
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(result.Length - 8), (uint)footer);
        return result;
    }

    /// <summary>Sets integer field <paramref name="field"/> of <paramref name="owner"/> (a struct of this part's footer) to <paramref name="value"/>.</summary>
    public static byte[] SetInt(byte[] part, ThriftStruct owner, short field, long value)
    {
        (int from, int to) = owner.Spans[field];
        return Splice(part, from, to, VarInt((ulong)((value << 1) ^ (value >> 63))));
    }

    /// <summary>Makes the length of binary field <paramref name="field"/> say <paramref name="length"/>, its bytes left as they are.</summary>
    public static byte[] SetBinaryLength(byte[] part, ThriftStruct owner, short field, ulong length)
    {
        int from = owner.Spans[field].Start;
        return Splice(part, from, from + VarIntLength(part, Footer(part).Start + from), VarInt(length));
    }

    /// <summary>Makes list field <paramref name="field"/> declare <paramref name="count"/> elements, its elements left as they are.</summary>
    public static byte[] SetListCount(byte[] part, ThriftStruct owner, short field, ulong count)
    {
        int from = owner.Spans[field].Start, at = Footer(part).Start + from;
        byte head = part[at];
        int headLength = head >> 4 == 15 ? 1 + VarIntLength(part, at + 1) : 1;
        return Splice(part, from, from + headLength, [(byte)(0xf0 | (head & 0x0f)), .. VarInt(count)]);
    }

    public static byte[] VarInt(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }

    /// <summary>Replaces the cache's one part with <paramref name="bytes"/> and re-signs its manifest entry to match.</summary>
    public static void Resign(string cacheDir, byte[] bytes)
    {
        string part = Directory.GetFiles(cacheDir, "part-*.parquet", SearchOption.AllDirectories).Single();
        File.WriteAllBytes(part, bytes);
        string entry = Directory.GetFiles(Path.Combine(cacheDir, "_manifest")).Single();
        ManifestBody body = ManifestCodec.TryDecode(File.ReadAllBytes(entry), out string why) ?? throw new InvalidOperationException(why);
        PartRecord old = body.Parts.Single();
        var resigned = body with { Parts = [old with { Bytes = bytes.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) }] };
        File.WriteAllBytes(entry, ManifestCodec.Encode(resigned));
    }

    private static int VarIntLength(byte[] bytes, int at)
    {
        int n = 1;
        while ((bytes[at + n - 1] & 0x80) != 0) n++;
        return n;
    }
}
