using System.Buffers.Binary;

namespace MoSiC.Stream.Model.Checkpoints;

/// <summary>
/// Sets the modification time of every entry of a zip to 1980-01-01 00:00 (the DOS epoch), in the local headers and
/// the central directory. <c>System.IO.Compression</c> stamps entries with the time of writing, so the same weights
/// would otherwise give different <c>.pth</c> bytes on every export; reproducible runs need the same bytes.
/// </summary>
internal static class ZipTimes
{
    private const uint EndSignature = 0x06054b50, End64Signature = 0x06064b50, Locator64Signature = 0x07064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;
    private const ushort Epoch = (1 << 5) | 1; // DOS date: year 1980 (0), month 1, day 1.

    /// <summary>Clears the entry times of the zip in <paramref name="zip"/> (readable, writable, seekable), in place.</summary>
    public static void Clear(System.IO.Stream zip)
    {
        var (entries, directory) = Directory(zip);
        long at = directory;
        Span<byte> header = stackalloc byte[46];
        Span<byte> signature = stackalloc byte[4];
        for (long i = 0; i < entries; i++)
        {
            Read(zip, at, header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != CentralSignature) throw new InvalidDataException($"zip central directory entry {i} at byte {at} has no signature");
            int name = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]), extra = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
            int comment = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(header[42..]);
            if (local == uint.MaxValue) local = Zip64Offset(zip, at, header, name, extra);
            Stamp(zip, at + 12);
            Read(zip, local, signature);
            if (BinaryPrimitives.ReadUInt32LittleEndian(signature) != LocalSignature) throw new InvalidDataException($"zip entry {i}'s local header at byte {local} has no signature");
            Stamp(zip, local + 10);
            at += 46 + name + extra + comment;
        }

        zip.Seek(0, SeekOrigin.End);
    }

    // The number of entries and where the central directory starts, from the end record (or its zip64 version).
    private static (long Entries, long Directory) Directory(System.IO.Stream zip)
    {
        int tail = (int)Math.Min(zip.Length, 22 + ushort.MaxValue);
        var bytes = new byte[tail];
        Read(zip, zip.Length - tail, bytes);
        for (int p = tail - 22; p >= 0; p--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(p)) != EndSignature) continue;
            long entries = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(p + 10));
            long directory = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(p + 16));
            if (entries != ushort.MaxValue && directory != uint.MaxValue) return (entries, directory);
            long end = zip.Length - tail + p;
            Span<byte> locator = stackalloc byte[20];
            Read(zip, end - 20, locator);
            if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Locator64Signature) throw new InvalidDataException("zip64 end record locator missing");
            Span<byte> end64 = stackalloc byte[56];
            Read(zip, (long)BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]), end64);
            if (BinaryPrimitives.ReadUInt32LittleEndian(end64) != End64Signature) throw new InvalidDataException("zip64 end record missing");
            return ((long)BinaryPrimitives.ReadUInt64LittleEndian(end64[32..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(end64[48..]));
        }

        throw new InvalidDataException("not a zip: no end of central directory record");
    }

    // A local header offset too large for 32 bits sits in the zip64 extra field, after the sizes that overflowed too.
    private static long Zip64Offset(System.IO.Stream zip, long at, ReadOnlySpan<byte> header, int name, int extra)
    {
        var field = new byte[extra];
        Read(zip, at + 46 + name, field);
        for (int p = 0; p + 4 <= extra;)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(field.AsSpan(p)), size = BinaryPrimitives.ReadUInt16LittleEndian(field.AsSpan(p + 2));
            if (id == 1)
            {
                int skip = (BinaryPrimitives.ReadUInt32LittleEndian(header[24..]) == uint.MaxValue ? 8 : 0) + (BinaryPrimitives.ReadUInt32LittleEndian(header[20..]) == uint.MaxValue ? 8 : 0);
                return (long)BinaryPrimitives.ReadUInt64LittleEndian(field.AsSpan(p + 4 + skip));
            }

            p += 4 + size;
        }

        throw new InvalidDataException($"zip entry at byte {at}: offset in a zip64 field that is missing");
    }

    private static void Stamp(System.IO.Stream zip, long at)
    {
        Span<byte> time = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(time, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(time[2..], Epoch);
        zip.Seek(at, SeekOrigin.Begin);
        zip.Write(time);
    }

    private static void Read(System.IO.Stream zip, long at, Span<byte> into)
    {
        zip.Seek(at, SeekOrigin.Begin);
        zip.ReadExactly(into);
    }
}
