using System.IO.Compression;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Cache.Parquet;
using Parquet;
using Parquet.Schema;

namespace MoSiC.Stream.Bench;

/// <summary>
/// The three row shapes <c>mosic-bench cache</c> compares, each encoding whole parts of clips and decoding them back
/// into <see cref="CachedClip"/>s (what the trainer needs), with the same information and Parquet settings:
/// one row per clip (list columns, the cache's format; also with zstd and with no compression), one row per track
/// (lists over T), one row per point-frame.
/// </summary>
internal static class CacheRowShapes
{
    /// <summary>A row shape: encode a part, decode it back (given its row count, as a manifest record gives it).</summary>
    public sealed record Shape(string Name, Func<IReadOnlyList<CachedClip>, CancellationToken, Task<byte[]>> Encode, Func<byte[], int, CancellationToken, Task<List<CachedClip>>> Decode);

    public static readonly Shape[] All =
    [
        // The cache's read path: layout check (PartCheck) and a checksum per row (format 2), against format 1 read as
        // before both existed: what the checks cost a reader.
        new("row per clip (lists)", (c, ct) => PartWriter.EncodeAsync(c, "bench", ct), (b, rows, ct) => PartReader.DecodeAsync("bench", b, rows, ct)),
        new("row per clip, format 1 unchecked", (c, ct) => PartWriter.EncodeAsync(c, "bench", PartWriter.Options, ct, checksum: false), (b, _, ct) => PartReader.DecodeAsync("bench", b, null, ct)),
        new("row per clip, zstd", (c, ct) => PartWriter.EncodeAsync(c, "bench", Compressed(CompressionMethod.Zstd), ct), (b, _, ct) => PartReader.DecodeAsync("bench", b, null, ct)),
        new("row per clip, zstd fastest", (c, ct) => PartWriter.EncodeAsync(c, "bench", Compressed(CompressionMethod.Zstd, CompressionLevel.Fastest), ct), (b, _, ct) => PartReader.DecodeAsync("bench", b, null, ct)),
        new("row per clip, uncompressed", (c, ct) => PartWriter.EncodeAsync(c, "bench", Compressed(CompressionMethod.None), ct), (b, _, ct) => PartReader.DecodeAsync("bench", b, null, ct)),
        new("row per track (lists over T)", PerTrack.EncodeAsync, (b, _, ct) => PerTrack.DecodeAsync(b, ct)),
        new("row per point-frame (flat)", PerPointFrame.EncodeAsync, (b, _, ct) => PerPointFrame.DecodeAsync(b, ct)),
    ];

    private static ParquetOptions Compressed(CompressionMethod method, CompressionLevel level = CompressionLevel.SmallestSize) =>
        new() { CompressionMethod = method, CompressionLevel = level };

    private static readonly DataField<string> Key = new("clip_key", false), Video = new("video_hash", false), Path = new("video_path", false);
    private static readonly DataField<int> ClipIndex = new("clip_index"), Width = new("width"), Height = new("height"), Point = new("point"), QueryFrame = new("query_frame");
    private static readonly DataField<float> QueryX = new("query_x"), QueryY = new("query_y");

    private static async Task<byte[]> WriteAsync(ParquetSchema schema, Func<ParquetRowGroupWriter, Task> columns, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(schema, buffer, PartWriter.Options, cancellationToken: ct))
        {
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await columns(group);
            group.CompleteValidate();
        }

        return buffer.ToArray();
    }

    private static async Task<List<CachedClip>> ReadAsync(byte[] bytes, Func<ColumnSource, int, Task<List<CachedClip>>> rows, CancellationToken ct)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        await using ParquetReader reader = await ParquetReader.CreateAsync(stream, PartWriter.Options, cancellationToken: ct);
        var clips = new List<CachedClip>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            clips.AddRange(await rows(new ColumnSource("bench", reader.Schema, group), checked((int)group.RowCount)));
        }

        return clips;
    }

    private static Task Ints(ParquetRowGroupWriter g, DataField<int> f, IEnumerable<int> v, CancellationToken ct) => g.WriteAsync<int>(f, v.ToArray(), null, null, ct);

    private static Task Floats(ParquetRowGroupWriter g, DataField<float> f, IEnumerable<float> v, CancellationToken ct) => g.WriteAsync<float>(f, v.ToArray(), null, null, ct);

    /// <summary>One row per (clip, point): the point's query and its T positions as lists.</summary>
    private static class PerTrack
    {
        private static readonly ListField FrameIndices = new("frame_indices", new DataField<int>("element", false));
        private static readonly ListField Timestamps = new("timestamps_seconds", new DataField<double>("element", false));
        private static readonly ListField X = new("x", new DataField<float>("element", false)), Y = new("y", new DataField<float>("element", false));
        private static readonly ListField Visible = new("visible", new DataField<bool>("element", false));
        private static readonly ListField Confidence = new("confidence", new DataField<float>("element", false));
        private static readonly ParquetSchema Schema = new(Key, Video, Path, ClipIndex, Width, Height, FrameIndices, Timestamps, Point, QueryFrame, QueryX, QueryY, X, Y, Visible, Confidence);

        public static Task<byte[]> EncodeAsync(IReadOnlyList<CachedClip> clips, CancellationToken ct)
        {
            var rows = clips.SelectMany(c => Enumerable.Range(0, c.Points).Select(n => (Clip: c, N: n))).ToArray();
            T[] Column<T>(CachedClip c, T[] tn, int n) => Enumerable.Range(0, c.Frames).Select(t => tn[t * c.Points + n]).ToArray();
            return WriteAsync(Schema, async g =>
            {
                await g.WriteAsync(Key, rows.Select(r => r.Clip.ClipKey).ToArray());
                await g.WriteAsync(Video, rows.Select(r => r.Clip.VideoHash).ToArray());
                await g.WriteAsync(Path, rows.Select(r => r.Clip.VideoPath).ToArray());
                await Ints(g, ClipIndex, rows.Select(r => r.Clip.ClipIndex), ct);
                await Ints(g, Width, rows.Select(r => r.Clip.Width), ct);
                await Ints(g, Height, rows.Select(r => r.Clip.Height), ct);
                await ListColumn.WriteAsync(g, FrameIndices, rows.Select(r => r.Clip.FrameIndices).ToArray(), ct);
                await ListColumn.WriteAsync(g, Timestamps, rows.Select(r => r.Clip.TimestampsSeconds).ToArray(), ct);
                await Ints(g, Point, rows.Select(r => r.N), ct);
                await Ints(g, QueryFrame, rows.Select(r => r.Clip.QueryFrame[r.N]), ct);
                await Floats(g, QueryX, rows.Select(r => r.Clip.QueryX[r.N]), ct);
                await Floats(g, QueryY, rows.Select(r => r.Clip.QueryY[r.N]), ct);
                await ListColumn.WriteAsync(g, X, rows.Select(r => Column(r.Clip, r.Clip.X, r.N)).ToArray(), ct);
                await ListColumn.WriteAsync(g, Y, rows.Select(r => Column(r.Clip, r.Clip.Y, r.N)).ToArray(), ct);
                await ListColumn.WriteAsync(g, Visible, rows.Select(r => Column(r.Clip, r.Clip.Visible, r.N)).ToArray(), ct);
                await ListColumn.WriteAsync(g, Confidence, rows.Select(r => r.Clip.Confidence is null ? null : Column(r.Clip, r.Clip.Confidence, r.N)).ToArray(), ct);
            }, ct);
        }

        public static Task<List<CachedClip>> DecodeAsync(byte[] bytes, CancellationToken ct) => ReadAsync(bytes, async (s, rows) =>
        {
            string[] keys = await s.StringsAsync(Key, rows, ct), videos = await s.StringsAsync(Video, rows, ct), paths = await s.StringsAsync(Path, rows, ct);
            int[] clipIndex = await s.ScalarsAsync<int>(ClipIndex, rows, ct), width = await s.ScalarsAsync<int>(Width, rows, ct), height = await s.ScalarsAsync<int>(Height, rows, ct);
            int[]?[] frameIndices = await s.ListsAsync<int>(FrameIndices, rows, ct);
            double[]?[] timestamps = await s.ListsAsync<double>(Timestamps, rows, ct);
            int[] queryFrame = await s.ScalarsAsync<int>(QueryFrame, rows, ct);
            float[] qx = await s.ScalarsAsync<float>(QueryX, rows, ct), qy = await s.ScalarsAsync<float>(QueryY, rows, ct);
            float[]?[] x = await s.ListsAsync<float>(X, rows, ct), y = await s.ListsAsync<float>(Y, rows, ct), conf = await s.ListsAsync<float>(Confidence, rows, ct);
            bool[]?[] visible = await s.ListsAsync<bool>(Visible, rows, ct);
            var clips = new List<CachedClip>();
            for (int start = 0; start < rows;)
            {
                int end = start;
                while (end < rows && keys[end] == keys[start]) end++;
                int n = end - start, t = x[start]!.Length;
                T[] Join<T>(T[]?[] tracks) where T : struct
                {
                    var tn = new T[t * n];
                    for (int p = 0; p < n; p++)
                    {
                        for (int f = 0; f < t; f++) tn[f * n + p] = tracks[start + p]![f];
                    }

                    return tn;
                }

                clips.Add(new CachedClip
                {
                    ClipKey = keys[start], VideoHash = videos[start], VideoPath = paths[start], ClipIndex = clipIndex[start],
                    FrameIndices = frameIndices[start]!, TimestampsSeconds = timestamps[start]!, Width = width[start], Height = height[start], Frames = t, Points = n,
                    QueryFrame = queryFrame[start..end], QueryX = qx[start..end], QueryY = qy[start..end],
                    X = Join(x), Y = Join(y), Visible = Join(visible), Confidence = conf[start] is null ? null : Join(conf),
                });
                start = end;
            }

            return clips;
        }, ct);
    }

    /// <summary>One row per (clip, frame, point): everything flat, the clip's fields repeated on each of its T·N rows.</summary>
    private static class PerPointFrame
    {
        private static readonly DataField<int> Frame = new("t"), FrameIndex = new("frame_index");
        private static readonly DataField<double> Timestamp = new("timestamp_seconds");
        private static readonly DataField<float> X = new("x"), Y = new("y");
        private static readonly DataField<bool> Visible = new("visible");
        private static readonly DataField<float?> Confidence = new("confidence");
        private static readonly ParquetSchema Schema = new(Key, Video, Path, ClipIndex, Width, Height, Frame, FrameIndex, Timestamp, Point, QueryFrame, QueryX, QueryY, X, Y, Visible, Confidence);

        public static Task<byte[]> EncodeAsync(IReadOnlyList<CachedClip> clips, CancellationToken ct)
        {
            var rows = clips.SelectMany(c => Enumerable.Range(0, c.Frames * c.Points).Select(i => (Clip: c, T: i / c.Points, N: i % c.Points, I: i))).ToArray();
            return WriteAsync(Schema, async g =>
            {
                await g.WriteAsync(Key, rows.Select(r => r.Clip.ClipKey).ToArray());
                await g.WriteAsync(Video, rows.Select(r => r.Clip.VideoHash).ToArray());
                await g.WriteAsync(Path, rows.Select(r => r.Clip.VideoPath).ToArray());
                await Ints(g, ClipIndex, rows.Select(r => r.Clip.ClipIndex), ct);
                await Ints(g, Width, rows.Select(r => r.Clip.Width), ct);
                await Ints(g, Height, rows.Select(r => r.Clip.Height), ct);
                await Ints(g, Frame, rows.Select(r => r.T), ct);
                await Ints(g, FrameIndex, rows.Select(r => r.Clip.FrameIndices[r.T]), ct);
                await g.WriteAsync<double>(Timestamp, rows.Select(r => r.Clip.TimestampsSeconds[r.T]).ToArray(), null, null, ct);
                await Ints(g, Point, rows.Select(r => r.N), ct);
                await Ints(g, QueryFrame, rows.Select(r => r.Clip.QueryFrame[r.N]), ct);
                await Floats(g, QueryX, rows.Select(r => r.Clip.QueryX[r.N]), ct);
                await Floats(g, QueryY, rows.Select(r => r.Clip.QueryY[r.N]), ct);
                await Floats(g, X, rows.Select(r => r.Clip.X[r.I]), ct);
                await Floats(g, Y, rows.Select(r => r.Clip.Y[r.I]), ct);
                await g.WriteAsync<bool>(Visible, rows.Select(r => r.Clip.Visible[r.I]).ToArray(), null, null, ct);
                await g.WriteAsync<float>(Confidence, rows.Select(r => r.Clip.Confidence?[r.I]).ToArray(), null, null, ct);
            }, ct);
        }

        public static Task<List<CachedClip>> DecodeAsync(byte[] bytes, CancellationToken ct) => ReadAsync(bytes, async (s, rows) =>
        {
            string[] keys = await s.StringsAsync(Key, rows, ct), videos = await s.StringsAsync(Video, rows, ct), paths = await s.StringsAsync(Path, rows, ct);
            int[] clipIndex = await s.ScalarsAsync<int>(ClipIndex, rows, ct), width = await s.ScalarsAsync<int>(Width, rows, ct), height = await s.ScalarsAsync<int>(Height, rows, ct);
            int[] frame = await s.ScalarsAsync<int>(Frame, rows, ct), frameIndex = await s.ScalarsAsync<int>(FrameIndex, rows, ct), point = await s.ScalarsAsync<int>(Point, rows, ct);
            double[] timestamp = await s.ScalarsAsync<double>(Timestamp, rows, ct);
            int[] queryFrame = await s.ScalarsAsync<int>(QueryFrame, rows, ct);
            float[] qx = await s.ScalarsAsync<float>(QueryX, rows, ct), qy = await s.ScalarsAsync<float>(QueryY, rows, ct);
            float[] x = await s.ScalarsAsync<float>(X, rows, ct), y = await s.ScalarsAsync<float>(Y, rows, ct);
            bool[] visible = await s.ScalarsAsync<bool>(Visible, rows, ct);
            float?[] conf = await s.OptionalsAsync<float>(Confidence, rows, ct);
            var clips = new List<CachedClip>();
            for (int start = 0; start < rows;)
            {
                int end = start;
                while (end < rows && keys[end] == keys[start]) end++;
                int t = 0, n = 0;
                for (int r = start; r < end; r++) (t, n) = (Math.Max(t, frame[r] + 1), Math.Max(n, point[r] + 1));
                var clip = new CachedClip
                {
                    ClipKey = keys[start], VideoHash = videos[start], VideoPath = paths[start], ClipIndex = clipIndex[start],
                    FrameIndices = new int[t], TimestampsSeconds = new double[t], Width = width[start], Height = height[start], Frames = t, Points = n,
                    QueryFrame = new int[n], QueryX = new float[n], QueryY = new float[n],
                    X = new float[t * n], Y = new float[t * n], Visible = new bool[t * n], Confidence = conf[start] is null ? null : new float[t * n],
                };
                for (int r = start; r < end; r++)
                {
                    int i = frame[r] * n + point[r];
                    (clip.FrameIndices[frame[r]], clip.TimestampsSeconds[frame[r]]) = (frameIndex[r], timestamp[r]);
                    (clip.QueryFrame[point[r]], clip.QueryX[point[r]], clip.QueryY[point[r]]) = (queryFrame[r], qx[r], qy[r]);
                    (clip.X[i], clip.Y[i], clip.Visible[i]) = (x[r], y[r], visible[r]);
                    if (clip.Confidence is not null) clip.Confidence[i] = conf[r]!.Value;
                }

                clips.Add(clip);
                start = end;
            }

            return clips;
        }, ct);
    }
}
