using global::Parquet;
using global::Parquet.Data;
using global::Parquet.Schema;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>Column access by the path of our schema's field in the file's own schema, so column order does not matter.</summary>
internal sealed class ColumnSource(string file, ParquetSchema schema, ParquetRowGroupReader group)
{
    private async Task<RawColumnData<T>> RawAsync<T>(DataField ours, CancellationToken ct)
        where T : struct
    {
        DataField? field = schema.GetDataFields().FirstOrDefault(f => f.Path.Equals(ours.Path));
        if (field is null) throw new InvalidDataException($"{file}: column {ours.Path} is missing");
        RawColumnData raw = await group.ReadRawColumnDataBaseAsync(field, ct).ConfigureAwait(false);
        if (raw is RawColumnData<T> typed) return typed;
        raw.Dispose();
        throw new InvalidDataException($"{file}: column {ours.Path} holds {field.ClrType.Name}, expected {typeof(T).Name}");
    }

    public async Task<string[]> StringsAsync(DataField<string> ours, int rows, CancellationToken ct)
    {
        using RawColumnData<ReadOnlyMemory<char>> raw = await RawAsync<ReadOnlyMemory<char>>(ours, ct).ConfigureAwait(false);
        RequireCount(ours, raw.Values.Length, rows);
        var result = new string[rows];
        for (int i = 0; i < rows; i++) result[i] = raw.Values[i].ToString();
        return result;
    }

    /// <summary>A required scalar column.</summary>
    public async Task<T[]> ScalarsAsync<T>(DataField ours, int rows, CancellationToken ct)
        where T : struct
    {
        using RawColumnData<T> raw = await RawAsync<T>(ours, ct).ConfigureAwait(false);
        RequireCount(ours, raw.Values.Length, rows);
        return raw.Values[..rows].ToArray();
    }

    /// <summary>An optional scalar column: a definition level of 0 is a null; values come packed.</summary>
    public async Task<T?[]> OptionalsAsync<T>(DataField ours, int rows, CancellationToken ct)
        where T : struct
    {
        using RawColumnData<T> raw = await RawAsync<T>(ours, ct).ConfigureAwait(false);
        var result = new T?[rows];
        Span<int> definition = raw.DefinitionLevels;
        for (int r = 0, v = 0; r < rows; r++)
        {
            if (definition[r] > 0) result[r] = raw.Values[v++];
        }

        return result;
    }

    /// <summary>
    /// A list column split into rows: a repetition level of 0 starts a row; a definition level of 0 on it marks a
    /// null list. Values come packed (nulls take no slot), in row order.
    /// </summary>
    public async Task<T[]?[]> ListsAsync<T>(ListField list, int rows, CancellationToken ct)
        where T : struct
    {
        DataField item = ClipColumns.Item(list);
        using RawColumnData<T> raw = await RawAsync<T>(item, ct).ConfigureAwait(false);
        Span<int> repetition = raw.RepetitionLevels;
        Span<int> definition = raw.DefinitionLevels;
        Span<T> values = raw.Values;
        var result = new T[]?[rows];
        int row = -1, start = 0, v = 0;
        int max = item.MaxDefinitionLevel;
        for (int l = 0; l <= repetition.Length; l++)
        {
            bool rowStarts = l == repetition.Length || repetition[l] == 0;
            if (!rowStarts) continue;
            if (row >= 0)
            {
                // Close the row that began at level entry `start`.
                if (definition[start] < max)
                {
                    if (l - start != 1 || definition[start] != 0) throw new InvalidDataException($"{file}: row {row}: column {list.Name} holds an empty list or null elements");
                    result[row] = null;
                }
                else
                {
                    int n = l - start;
                    if (definition.Slice(start, n).ContainsAnyExcept(max)) throw new InvalidDataException($"{file}: row {row}: column {list.Name} holds null elements");
                    if (v + n > values.Length) throw new InvalidDataException($"{file}: column {list.Name} has fewer values than its levels say");
                    result[row] = values.Slice(v, n).ToArray();
                    v += n;
                }
            }

            if (l == repetition.Length) break;
            row++;
            start = l;
            if (row >= rows) throw new InvalidDataException($"{file}: column {list.Name} has more than the row group's {rows} rows");
        }

        if (row + 1 != rows) throw new InvalidDataException($"{file}: column {list.Name} has {row + 1} rows, the row group {rows}");
        return result;
    }

    private void RequireCount(DataField field, int count, int rows)
    {
        if (count < rows) throw new InvalidDataException($"{file}: column {field.Path} has {count} values, the row group {rows} rows");
    }
}
