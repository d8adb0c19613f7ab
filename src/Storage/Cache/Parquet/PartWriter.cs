using global::Parquet;
using global::Parquet.Schema;

namespace MoSiC.Stream.Storage.Cache.Parquet;

/// <summary>Encodes clips as one Parquet part (one row group, one row per clip) in memory.</summary>
internal static class PartWriter
{
    /// <summary>The Parquet bytes of <paramref name="clips"/>, in the order given; <paramref name="trackSet"/> goes into the footer.</summary>
    public static Task<byte[]> EncodeAsync(IReadOnlyList<CachedClip> clips, string trackSet, CancellationToken ct) =>
        EncodeAsync(clips, trackSet, Options, ct);

    /// <summary>
    /// The same with other Parquet settings (the benchmark compares compression methods with it) and, with
    /// <paramref name="checksum"/> false, in format 1 (no row checksum: the parts caches hold from before it, which
    /// tests and the benchmark need).
    /// </summary>
    internal static async Task<byte[]> EncodeAsync(IReadOnlyList<CachedClip> clips, string trackSet, ParquetOptions options, CancellationToken ct, bool checksum = true)
    {
        using var buffer = new MemoryStream();
        ParquetSchema schema = checksum ? ClipColumns.Schema : new ParquetSchema(ClipColumns.Schema.Fields.Where(f => f != ClipColumns.Checksum).ToArray());
        // Parquet writes its footer on dispose: the footer is in the buffer only after this block.
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(schema, buffer, options, cancellationToken: ct).ConfigureAwait(false))
        {
            writer.CustomMetadata = new Dictionary<string, string>
            {
                [ClipColumns.FormatKey] = checksum ? ClipColumns.FormatValue : ClipColumns.FormatWithoutChecksum,
                [ClipColumns.TrackSetKey] = trackSet,
            };
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await group.WriteAsync(ClipColumns.ClipKey, clips.Select(c => c.ClipKey).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(ClipColumns.VideoHash, clips.Select(c => c.VideoHash).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(ClipColumns.VideoPath, clips.Select(c => c.VideoPath).ToArray()).ConfigureAwait(false);
            await Scalar(group, ClipColumns.ClipIndex, clips, c => c.ClipIndex, ct).ConfigureAwait(false);
            await ListColumn.WriteAsync(group, ClipColumns.FrameIndices, clips.Select(c => c.FrameIndices).ToArray(), ct).ConfigureAwait(false);
            await ListColumn.WriteAsync(group, ClipColumns.TimestampsSeconds, clips.Select(c => c.TimestampsSeconds).ToArray(), ct).ConfigureAwait(false);
            await Scalar(group, ClipColumns.Width, clips, c => c.Width, ct).ConfigureAwait(false);
            await Scalar(group, ClipColumns.Height, clips, c => c.Height, ct).ConfigureAwait(false);
            await Scalar(group, ClipColumns.Frames, clips, c => c.Frames, ct).ConfigureAwait(false);
            await Scalar(group, ClipColumns.Points, clips, c => c.Points, ct).ConfigureAwait(false);
            await ListColumn.WriteAsync(group, ClipColumns.QueryFrame, clips.Select(c => c.QueryFrame).ToArray(), ct).ConfigureAwait(false);
            await ListColumn.WriteAsync(group, ClipColumns.QueryX, clips.Select(c => c.QueryX).ToArray(), ct).ConfigureAwait(false);
            await ListColumn.WriteAsync(group, ClipColumns.QueryY, clips.Select(c => c.QueryY).ToArray(), ct).ConfigureAwait(false);
            await ListColumn.WriteAsync(group, ClipColumns.X, clips.Select(c => c.X).ToArray(), ct).ConfigureAwait(false);
            await ListColumn.WriteAsync(group, ClipColumns.Y, clips.Select(c => c.Y).ToArray(), ct).ConfigureAwait(false);
            await ListColumn.WriteAsync(group, ClipColumns.Visible, clips.Select(c => c.Visible).ToArray(), ct).ConfigureAwait(false);
            await ListColumn.WriteAsync(group, ClipColumns.Confidence, clips.Select(c => c.Confidence).ToArray(), ct).ConfigureAwait(false);
            if (checksum) await group.WriteAsync<long>(ClipColumns.Checksum, clips.Select(RowChecksum.Of).ToArray(), null, null, ct).ConfigureAwait(false);
            group.CompleteValidate();
        }

        return buffer.ToArray();
    }

    /// <summary>Snappy: what pyarrow and DuckDB default to, fast both ways; see docs/cache.md for the measured alternatives.</summary>
    internal static ParquetOptions Options { get; } = new() { CompressionMethod = CompressionMethod.Snappy };

    private static Task Scalar(ParquetRowGroupWriter group, DataField<int> field, IReadOnlyList<CachedClip> clips, Func<CachedClip, int> get, CancellationToken ct) =>
        group.WriteAsync<int>(field, clips.Select(get).ToArray(), null, null, ct);
}
