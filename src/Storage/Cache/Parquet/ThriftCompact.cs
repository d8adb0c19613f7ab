using System.Buffers.Binary;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>
/// Reads Thrift compact-protocol structs (Parquet's footer and page headers) from untrusted bytes: every length and
/// count is checked against the bytes left before it is used, nesting is at most <see cref="MaxDepth"/>, and the
/// values read in all are capped, so a footer declaring a list of 2^31 elements fails at once instead of spinning.
/// </summary>
internal sealed class ThriftCompact(ReadOnlyMemory<byte> bytes, string where, int maxValues = ThriftCompact.DefaultMaxValues)
{
    public const int DefaultMaxValues = 1 << 20;
    private const int MaxDepth = 24;

    private int _values;

    /// <summary>Where the next read starts (after a struct: how long it was).</summary>
    public int Position { get; private set; }

    public ThriftStruct ReadStruct() => ReadStruct(0);

    private ThriftStruct ReadStruct(int depth)
    {
        if (depth > MaxDepth) throw Bad($"structs nested deeper than {MaxDepth}");
        var result = new ThriftStruct();
        short id = 0;
        while (true)
        {
            byte header = Byte();
            if (header == 0) return result;
            int delta = header >> 4, type = header & 0x0f;
            if (delta != 0) id = (short)(id + delta);
            else id = ZigZag(VarInt()) is var full and >= short.MinValue and <= short.MaxValue ? (short)full : throw Bad("a field id beyond 16 bits");
            int start = Position;
            result.Fields[id] = type switch
            {
                1 => true,
                2 => false,
                _ => Value(type, depth),
            };
            result.Spans[id] = (start, Position);
        }
    }

    private object Value(int type, int depth)
    {
        if (++_values > maxValues) throw Bad($"more than {maxValues} values: not a footer we wrote");
        switch (type)
        {
            case 1: return Byte() == 1; // a bool inside a list
            case 3: return (long)(sbyte)Byte();
            case 4 or 5 or 6: return ZigZag(VarInt());
            case 7: return BinaryPrimitives.ReadDoubleLittleEndian(Take(8).Span);
            case 8: return Take(Length());
            case 9 or 10:
            {
                byte head = Byte();
                long count = head >> 4 == 15 ? Count() : head >> 4;
                int element = head & 0x0f;
                var list = new List<object>();
                for (long i = 0; i < count; i++) list.Add(element is 1 or 2 ? Byte() == 1 : Value(element, depth + 1));
                return list;
            }

            case 11:
            {
                long count = Count();
                var pairs = new List<object>();
                if (count == 0) return pairs;
                byte kinds = Byte();
                for (long i = 0; i < count; i++)
                {
                    pairs.Add(Value(kinds >> 4, depth + 1));
                    pairs.Add(Value(kinds & 0x0f, depth + 1));
                }

                return pairs;
            }

            case 12: return ReadStruct(depth + 1);
            default: throw Bad($"unknown field type {type}");
        }
    }

    private InvalidDataException Bad(string what) => new($"{where}: at byte {Position}: {what}");

    private byte Byte() => Position < bytes.Length ? bytes.Span[Position++] : throw Bad("ends inside a struct");

    private ReadOnlyMemory<byte> Take(int n)
    {
        if (n > bytes.Length - Position) throw Bad($"needs {n} bytes, {bytes.Length - Position} are left");
        ReadOnlyMemory<byte> slice = bytes.Slice(Position, n);
        Position += n;
        return slice;
    }

    // A length or element count: each element takes at least one byte, so more than the bytes left is a lie.
    private int Length()
    {
        ulong n = VarInt();
        return n <= (ulong)(bytes.Length - Position) ? (int)n : throw Bad($"declares {n} bytes, {bytes.Length - Position} are left");
    }

    private long Count()
    {
        ulong n = VarInt();
        return n <= (ulong)(bytes.Length - Position) ? (long)n : throw Bad($"declares {n} elements, {bytes.Length - Position} bytes are left");
    }

    private ulong VarInt()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = Byte();
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }

        throw Bad("a variable-length integer of more than 10 bytes");
    }

    private static long ZigZag(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);
}
