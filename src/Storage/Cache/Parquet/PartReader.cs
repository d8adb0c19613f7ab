using global::Parquet;
using global::Parquet.Schema;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>
/// Decodes a part back into clips. Every shape the writer guarantees is checked, so a part that parses but does not
/// hold what the cache wrote fails with <see cref="InvalidDataException"/> naming the file, column and row.
/// </summary>
internal static class PartReader
{
    /// <summary>
    /// All rows of the part held in <paramref name="bytes"/> (read from <paramref name="file"/>, named in errors), which
    /// its manifest record says holds <paramref name="rows"/> rows. The layout is checked first (<see cref="PartCheck"/>;
    /// null <paramref name="rows"/> skips it, for bytes just encoded in this process: the benchmark's other codecs), and
    /// anything Parquet.Net throws becomes an <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static async Task<List<CachedClip>> DecodeAsync(string file, byte[] bytes, long? rows, CancellationToken ct)
    {
        if (rows is not null) PartCheck.Run(file, bytes, rows.Value);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            await using ParquetReader reader = await ParquetReader.CreateAsync(stream, PartWriter.Options, leaveStreamOpen: true, ct).ConfigureAwait(false);
            // Format 2 parts carry a checksum per row; format 1 parts (written before it) read as they always did.
            string format = reader.CustomMetadata.GetValueOrDefault(ClipColumns.FormatKey) ?? ClipColumns.FormatWithoutChecksum;
            if (format is not (ClipColumns.FormatValue or ClipColumns.FormatWithoutChecksum))
                throw new InvalidDataException($"{file}: part format '{format}', which this version does not read");
            var clips = new List<CachedClip>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                clips.AddRange(await ReadGroupAsync(file, reader.Schema, group, format == ClipColumns.FormatValue, ct).ConfigureAwait(false));
            }

            return clips;
        }
        catch (Exception e) when (e is not (InvalidDataException or OperationCanceledException or OutOfMemoryException))
        {
            // Parquet.Net's own errors (Thrift, overflow, null references on a malformed file): the part is unreadable.
            throw new InvalidDataException($"{file}: not a readable part ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private static async Task<CachedClip[]> ReadGroupAsync(string file, ParquetSchema schema, ParquetRowGroupReader group, bool checksummed, CancellationToken ct)
    {
        var columns = new ColumnSource(file, schema, group);
        int rows = checked((int)group.RowCount);
        string[] keys = await columns.StringsAsync(ClipColumns.ClipKey, rows, ct).ConfigureAwait(false);
        string[] videos = await columns.StringsAsync(ClipColumns.VideoHash, rows, ct).ConfigureAwait(false);
        string[] paths = await columns.StringsAsync(ClipColumns.VideoPath, rows, ct).ConfigureAwait(false);
        int[] clipIndex = await columns.ScalarsAsync<int>(ClipColumns.ClipIndex, rows, ct).ConfigureAwait(false);
        int[]?[] frameIndices = await columns.ListsAsync<int>(ClipColumns.FrameIndices, rows, ct).ConfigureAwait(false);
        double[]?[] timestamps = await columns.ListsAsync<double>(ClipColumns.TimestampsSeconds, rows, ct).ConfigureAwait(false);
        int[] width = await columns.ScalarsAsync<int>(ClipColumns.Width, rows, ct).ConfigureAwait(false);
        int[] height = await columns.ScalarsAsync<int>(ClipColumns.Height, rows, ct).ConfigureAwait(false);
        int[] frames = await columns.ScalarsAsync<int>(ClipColumns.Frames, rows, ct).ConfigureAwait(false);
        int[] points = await columns.ScalarsAsync<int>(ClipColumns.Points, rows, ct).ConfigureAwait(false);
        int[]?[] queryFrame = await columns.ListsAsync<int>(ClipColumns.QueryFrame, rows, ct).ConfigureAwait(false);
        float[]?[] queryX = await columns.ListsAsync<float>(ClipColumns.QueryX, rows, ct).ConfigureAwait(false);
        float[]?[] queryY = await columns.ListsAsync<float>(ClipColumns.QueryY, rows, ct).ConfigureAwait(false);
        float[]?[] x = await columns.ListsAsync<float>(ClipColumns.X, rows, ct).ConfigureAwait(false);
        float[]?[] y = await columns.ListsAsync<float>(ClipColumns.Y, rows, ct).ConfigureAwait(false);
        bool[]?[] visible = await columns.ListsAsync<bool>(ClipColumns.Visible, rows, ct).ConfigureAwait(false);
        float[]?[] confidence = await columns.ListsAsync<float>(ClipColumns.Confidence, rows, ct).ConfigureAwait(false);
        long[]? checksums = checksummed ? await columns.ScalarsAsync<long>(ClipColumns.Checksum, rows, ct).ConfigureAwait(false) : null;

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
            if (checksums is not null && RowChecksum.Of(clips[r]) != checksums[r])
                throw new InvalidDataException($"{file}: row {r} (clip {keys[r]}) fails its row checksum: a value changed after it was written");
        }

        return clips;
    }
}
