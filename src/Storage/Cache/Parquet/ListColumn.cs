using global::Parquet;
using global::Parquet.Schema;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>Writing a list column of a row group from one array per row.</summary>
internal static class ListColumn
{
    /// <summary>
    /// Writes <paramref name="rows"/> with explicit levels: repetition 0 starts a row, 1 continues it; definition is
    /// the field's maximum for a value and 0 for a null list. Rows must not be empty arrays (the cache never writes
    /// one; an empty list would need a level of its own).
    /// </summary>
    public static async Task WriteAsync<T>(ParquetRowGroupWriter group, ListField list, IReadOnlyList<T[]?> rows, CancellationToken ct)
        where T : struct
    {
        DataField item = (DataField)list.Item;
        int values = 0, levels = 0;
        foreach (T[]? row in rows)
        {
            if (row is { Length: 0 }) throw new ArgumentException($"column {list.Name}: empty lists are not written", nameof(rows));
            values += row?.Length ?? 0;
            levels += row?.Length ?? 1;
        }

        var flat = new T[values];
        var definition = new int[levels];
        var repetition = new int[levels];
        int v = 0, l = 0;
        foreach (T[]? row in rows)
        {
            if (row is null)
            {
                definition[l++] = 0; // a null list: one level entry, no value, repetition 0
                continue;
            }

            row.CopyTo(flat, v);
            v += row.Length;
            definition.AsSpan(l, row.Length).Fill(item.MaxDefinitionLevel);
            repetition.AsSpan(l + 1, row.Length - 1).Fill(1);
            l += row.Length;
        }

        await group.WriteAllPartsAsync<T>(item, flat, definition, repetition, ct).ConfigureAwait(false);
    }
}
