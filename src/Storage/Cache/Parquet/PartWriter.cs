using global::Parquet;
using global::Parquet.Schema;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>Encodes clips as one Parquet part (one row group, one row per clip) in memory.</summary>
internal static class PartWriter
{
    /// <summary>The Parquet bytes of <paramref name="clips"/>, in the order given; <paramref name="trackSet"/> goes into the footer.</summary>
    public static async Task<byte[]> EncodeAsync(IReadOnlyList<CachedClip> clips, string trackSet, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        // Parquet writes its footer on dispose: the footer is in the buffer only after this block.
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(ClipColumns.Schema, buffer, Options, cancellationToken: ct).ConfigureAwait(false))
        {
            writer.CustomMetadata = new Dictionary<string, string>
            {
                [ClipColumns.FormatKey] = ClipColumns.FormatValue,
                [ClipColumns.TrackSetKey] = trackSet,
            };
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await group.WriteAsync(ClipColumns.ClipKey, clips.Select(c => c.ClipKey).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(ClipColumns.VideoHash, clips.Select(c => c.VideoHash).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(ClipColumns.VideoPath, clips.Select(c => c.VideoPath).ToArray()).ConfigureAwait(false);
            await Scalar(group, ClipColumns.ClipIndex, clips, c => c.ClipIndex, ct).ConfigureAwait(false);
            await List(group, ClipColumns.FrameIndices, clips, c => c.FrameIndices, ct).ConfigureAwait(false);
            await List(group, ClipColumns.TimestampsSeconds, clips, c => c.TimestampsSeconds, ct).ConfigureAwait(false);
            await Scalar(group, ClipColumns.Width, clips, c => c.Width, ct).ConfigureAwait(false);
            await Scalar(group, ClipColumns.Height, clips, c => c.Height, ct).ConfigureAwait(false);
            await Scalar(group, ClipColumns.Frames, clips, c => c.Frames, ct).ConfigureAwait(false);
            await Scalar(group, ClipColumns.Points, clips, c => c.Points, ct).ConfigureAwait(false);
            await List(group, ClipColumns.QueryFrame, clips, c => c.QueryFrame, ct).ConfigureAwait(false);
            await List(group, ClipColumns.QueryX, clips, c => c.QueryX, ct).ConfigureAwait(false);
            await List(group, ClipColumns.QueryY, clips, c => c.QueryY, ct).ConfigureAwait(false);
            await List(group, ClipColumns.X, clips, c => c.X, ct).ConfigureAwait(false);
            await List(group, ClipColumns.Y, clips, c => c.Y, ct).ConfigureAwait(false);
            await List(group, ClipColumns.Visible, clips, c => c.Visible, ct).ConfigureAwait(false);
            await List(group, ClipColumns.Confidence, clips, c => c.Confidence, ct).ConfigureAwait(false);
            group.CompleteValidate();
        }

        return buffer.ToArray();
    }

    /// <summary>Snappy: what pyarrow and DuckDB default to, fast both ways; see docs/cache.md for the measured alternatives.</summary>
    internal static ParquetOptions Options { get; } = new() { CompressionMethod = CompressionMethod.Snappy };

    private static Task Scalar(ParquetRowGroupWriter group, DataField<int> field, IReadOnlyList<CachedClip> clips, Func<CachedClip, int> get, CancellationToken ct) =>
        group.WriteAsync<int>(field, clips.Select(get).ToArray(), null, null, ct);

    /// <summary>
    /// One list column, written with explicit levels: repetition 0 starts a row, 1 continues it; definition is the
    /// field's maximum for a value and 0 for a null list (lists here are never empty, see <see cref="ClipValidation"/>).
    /// </summary>
    private static async Task List<T>(ParquetRowGroupWriter group, ListField list, IReadOnlyList<CachedClip> clips, Func<CachedClip, T[]?> get, CancellationToken ct)
        where T : struct
    {
        DataField item = ClipColumns.Item(list);
        int values = 0, levels = 0;
        foreach (CachedClip clip in clips)
        {
            int n = get(clip)?.Length ?? 0;
            values += n;
            levels += Math.Max(n, 1);
        }

        var flat = new T[values];
        var definition = new int[levels];
        var repetition = new int[levels];
        int v = 0, l = 0;
        foreach (CachedClip clip in clips)
        {
            T[]? array = get(clip);
            if (array is null)
            {
                definition[l++] = 0; // a null list: one level entry, no value, repetition 0
                continue;
            }

            array.CopyTo(flat, v);
            v += array.Length;
            definition.AsSpan(l, array.Length).Fill(item.MaxDefinitionLevel);
            repetition.AsSpan(l + 1, array.Length - 1).Fill(1);
            l += array.Length;
        }

        await group.WriteAllPartsAsync<T>(item, flat, definition, repetition, ct).ConfigureAwait(false);
    }
}
