using global::Parquet;
using global::Parquet.Data;
using global::Parquet.Schema;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>
/// Decodes a part back into clips. Every shape the writer guarantees is checked, so a part that parses but does not
/// hold what the cache wrote fails with <see cref="InvalidDataException"/> naming the file, column and row.
/// </summary>
internal static class PartReader
{
    /// <summary>All rows of the part held in <paramref name="bytes"/> (read from <paramref name="file"/>, named in errors).</summary>
    public static async Task<List<CachedClip>> DecodeAsync(string file, byte[] bytes, CancellationToken ct)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, PartWriter.Options, leaveStreamOpen: true, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{file}: not a readable Parquet file ({e.Message})", e);
        }

        await using (reader.ConfigureAwait(false))
        {
            var clips = new List<CachedClip>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                clips.AddRange(await ReadGroupAsync(file, reader.Schema, group, ct).ConfigureAwait(false));
            }

            return clips;
        }
    }

    private static async Task<CachedClip[]> ReadGroupAsync(string file, ParquetSchema schema, ParquetRowGroupReader group, CancellationToken ct)
    {
        var columns = new ColumnSource(file, schema, group);
        int rows = checked((int)group.RowCount);
        string[] keys = await columns.StringsAsync(ClipColumns.ClipKey, rows, ct).ConfigureAwait(false);
        string[] videos = await columns.StringsAsync(ClipColumns.VideoHash, rows, ct).ConfigureAwait(false);
        string[] paths = await columns.StringsAsync(ClipColumns.VideoPath, rows, ct).ConfigureAwait(false);
        int[] clipIndex = await columns.IntsAsync(ClipColumns.ClipIndex, rows, ct).ConfigureAwait(false);
        int[]?[] frameIndices = await columns.ListsAsync<int>(ClipColumns.FrameIndices, rows, ct).ConfigureAwait(false);
        double[]?[] timestamps = await columns.ListsAsync<double>(ClipColumns.TimestampsSeconds, rows, ct).ConfigureAwait(false);
        int[] width = await columns.IntsAsync(ClipColumns.Width, rows, ct).ConfigureAwait(false);
        int[] height = await columns.IntsAsync(ClipColumns.Height, rows, ct).ConfigureAwait(false);
        int[] frames = await columns.IntsAsync(ClipColumns.Frames, rows, ct).ConfigureAwait(false);
        int[] points = await columns.IntsAsync(ClipColumns.Points, rows, ct).ConfigureAwait(false);
        int[]?[] queryFrame = await columns.ListsAsync<int>(ClipColumns.QueryFrame, rows, ct).ConfigureAwait(false);
        float[]?[] queryX = await columns.ListsAsync<float>(ClipColumns.QueryX, rows, ct).ConfigureAwait(false);
        float[]?[] queryY = await columns.ListsAsync<float>(ClipColumns.QueryY, rows, ct).ConfigureAwait(false);
        float[]?[] x = await columns.ListsAsync<float>(ClipColumns.X, rows, ct).ConfigureAwait(false);
        float[]?[] y = await columns.ListsAsync<float>(ClipColumns.Y, rows, ct).ConfigureAwait(false);
        bool[]?[] visible = await columns.ListsAsync<bool>(ClipColumns.Visible, rows, ct).ConfigureAwait(false);
        float[]?[] confidence = await columns.ListsAsync<float>(ClipColumns.Confidence, rows, ct).ConfigureAwait(false);

        var clips = new CachedClip[rows];
        for (int r = 0; r < rows; r++)
        {
            // Only confidence may be null; a null anywhere else is a part we did not write.
            T Need<T>(T? value, ListField column) where T : class =>
                value ?? throw new InvalidDataException($"{file}: row {r}: column {column.Name} is null");
            clips[r] = new CachedClip
            {
                ClipKey = keys[r], VideoHash = videos[r], VideoPath = paths[r], ClipIndex = clipIndex[r],
                FrameIndices = Need(frameIndices[r], ClipColumns.FrameIndices),
                TimestampsSeconds = Need(timestamps[r], ClipColumns.TimestampsSeconds),
                Width = width[r], Height = height[r], Frames = frames[r], Points = points[r],
                QueryFrame = Need(queryFrame[r], ClipColumns.QueryFrame),
                QueryX = Need(queryX[r], ClipColumns.QueryX), QueryY = Need(queryY[r], ClipColumns.QueryY),
                X = Need(x[r], ClipColumns.X), Y = Need(y[r], ClipColumns.Y), Visible = Need(visible[r], ClipColumns.Visible),
                Confidence = confidence[r],
            };
            string? problem = ClipValidation.ShapeProblem(clips[r]);
            if (problem is not null) throw new InvalidDataException($"{file}: row {r} (clip {keys[r]}): {problem}");
        }

        return clips;
    }

    /// <summary>Column access by the path of our schema's field in the file's own schema, so column order does not matter.</summary>
    private sealed class ColumnSource(string file, ParquetSchema schema, ParquetRowGroupReader group)
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

        public async Task<int[]> IntsAsync(DataField<int> ours, int rows, CancellationToken ct)
        {
            using RawColumnData<int> raw = await RawAsync<int>(ours, ct).ConfigureAwait(false);
            RequireCount(ours, raw.Values.Length, rows);
            return raw.Values[..rows].ToArray();
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
}
