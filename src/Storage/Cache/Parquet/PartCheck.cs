using System.Buffers.Binary;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>
/// Checks a part's Parquet layout against its manifest record before Parquet.Net reads it, because Parquet.Net trusts
/// the file: it allocates by the counts it finds and loops over the lengths it is given. Here the footer and every
/// page header are read with <see cref="ThriftCompact"/> (bounded), and checked: the magic and footer length, the row
/// count (the manifest's), no column chunk pointing into another file or outside this one, a codec we write (none or
/// Snappy), page sizes inside their chunk and no larger than Snappy can inflate, and value counts within
/// <see cref="MaxValues"/> of the part's size. A part that passes still goes through every shape check of
/// <see cref="PartReader"/>; this only makes sure Parquet.Net's work and memory stay proportional to the part.
/// </summary>
internal static class PartCheck
{
    /// <summary>
    /// How many values one byte of a part may decode to: far above what our parts need (measured: 0.08 for LK tracks,
    /// 0.85 for clips of all-zero positions, the most compressible there are), so a count beyond it is a lie.
    /// </summary>
    public const int ValuesPerByte = 16;

    /// <summary>Values any part may hold, whatever its size.</summary>
    public const long ValueAllowance = 1 << 20;

    private const int MaxSchemaElements = 256;

    // Snappy's best case is 64 bytes from a 3-byte copy; the rest is for page headers and levels.
    private const int MaxInflation = 32;

    /// <summary>The most values a column chunk or page of a <paramref name="bytes"/>-byte part may declare.</summary>
    public static long MaxValues(long bytes) => ValueAllowance + ValuesPerByte * bytes;

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="file"/> unless the layout fits a part of <paramref name="rows"/> rows.</summary>
    public static void Run(string file, ReadOnlyMemory<byte> bytes, long rows)
    {
        ReadOnlySpan<byte> span = bytes.Span;
        if (span.Length < 12 || !span[..4].SequenceEqual("PAR1"u8) || !span[^4..].SequenceEqual("PAR1"u8))
            throw new InvalidDataException($"{file}: not a Parquet file (no PAR1 at both ends)");
        uint footerLength = BinaryPrimitives.ReadUInt32LittleEndian(span[^8..^4]);
        if (footerLength > span.Length - 12) throw new InvalidDataException($"{file}: footer length {footerLength} does not fit the {span.Length}-byte file");
        int footerStart = span.Length - 8 - (int)footerLength;
        ThriftStruct meta = new ThriftCompact(bytes.Slice(footerStart, (int)footerLength), $"{file}: footer").ReadStruct();

        if (meta.List(2).Count is 0 or > MaxSchemaElements) throw new InvalidDataException($"{file}: a schema of {meta.List(2).Count} elements, not one we wrote");
        if (meta.Long(3) != rows) throw new InvalidDataException($"{file}: the footer says {meta.Long(3)} rows, the manifest {rows}");
        List<object> groups = meta.List(4);
        if (groups.Count > Math.Max(1, rows)) throw new InvalidDataException($"{file}: {groups.Count} row groups for {rows} rows");
        long limit = MaxValues(span.Length), seen = 0;
        foreach (object g in groups)
        {
            ThriftStruct group = g as ThriftStruct ?? throw new InvalidDataException($"{file}: a row group that is not a struct");
            long groupRows = group.Long(3) ?? -1;
            if (groupRows < 0 || groupRows > rows - seen) throw new InvalidDataException($"{file}: a row group of {groupRows} rows; the part has {rows}");
            seen += groupRows;
            foreach (object c in group.List(1)) Chunk(file, bytes, footerStart, c as ThriftStruct, limit);
        }

        if (seen != rows) throw new InvalidDataException($"{file}: its row groups hold {seen} rows, the manifest {rows}");
    }

    private static void Chunk(string file, ReadOnlyMemory<byte> bytes, int footerStart, ThriftStruct? chunk, long limit)
    {
        ThriftStruct meta = chunk?.Struct(3) ?? throw new InvalidDataException($"{file}: a column chunk without its metadata");
        if (chunk.Has(1)) throw new InvalidDataException($"{file}: a column chunk that lives in another file");
        long codec = meta.Long(4) ?? -1, values = meta.Long(5) ?? -1, compressed = meta.Long(7) ?? -1;
        long start = Math.Min(meta.Long(9) ?? long.MaxValue, meta.Long(11) ?? long.MaxValue);
        string column = string.Join('.', meta.List(3).Select(p => p is ReadOnlyMemory<byte> m ? System.Text.Encoding.UTF8.GetString(m.Span) : "?"));
        string where = $"{file}: column {column}";
        if (codec is not (0 or 1)) throw new InvalidDataException($"{where}: compression codec {codec}; parts are written with Snappy");
        if (values < 0 || values > limit) throw new InvalidDataException($"{where}: {values} values, more than the {limit} a part of {bytes.Length} bytes may hold");
        if (compressed < 0 || start < 4 || start > footerStart - compressed)
            throw new InvalidDataException($"{where}: data at [{start}, +{compressed}) outside the {footerStart} bytes before the footer");

        // Page by page: each header, then its data, must stay inside the chunk.
        for (long at = start, end = start + compressed; at < end;)
        {
            var reader = new ThriftCompact(bytes[(int)at..(int)end], $"{where}: page header at byte {at}", 4096);
            ThriftStruct page = reader.ReadStruct();
            long size = page.Long(3) ?? -1, inflated = page.Long(2) ?? -1;
            long pageValues = (page.Struct(5) ?? page.Struct(7) ?? page.Struct(8))?.Long(1) ?? -1;
            at += reader.Position;
            if (size < 0 || size > end - at) throw new InvalidDataException($"{where}: a page of {size} bytes at byte {at} runs past its chunk");
            if (inflated < 0 || inflated > MaxInflation * size + 1024) throw new InvalidDataException($"{where}: a page of {size} bytes that claims to inflate to {inflated}");
            if (pageValues < 0 || pageValues > limit) throw new InvalidDataException($"{where}: a page of {pageValues} values, more than the {limit} a part of {bytes.Length} bytes may hold");
            at += size;
        }
    }
}
