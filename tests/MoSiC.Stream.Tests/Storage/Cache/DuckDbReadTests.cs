using DuckDB.NET.Data;
using MoSiC.Stream.Storage.Cache;
using static MoSiC.Stream.Tests.Storage.Cache.CacheTestKit;

namespace MoSiC.Stream.Tests.Storage.Cache;

/// <summary>The cache folder is plain Hive-partitioned Parquet: DuckDB reads it without our code and agrees with us.</summary>
public sealed class DuckDbReadTests
{
    [Fact]
    public async Task DuckDB_reads_the_folder_with_hive_partitioning_and_agrees_on_rows_partition_and_values()
    {
        using var dir = NewDir();
        var cache = TrajectoryCache.Open(dir.Path, TestOptions);
        TrackSet other = Set with { Tracker = "cotracker3/v1" };
        CachedClip[] ours = [Clip(Set, "a", 0, withNaN: false), Clip(Set, "a", 1, confidence: false, withNaN: false), Clip(Set, "b", 0, frames: 6, points: 5, withNaN: false)];
        await cache.WriteAsync(Set, ours[..2], CancellationToken.None);
        await cache.WriteAsync(Set, ours[2..], CancellationToken.None);
        await cache.WriteAsync(other, [Clip(other, "a", 0, withNaN: false)], CancellationToken.None);
        // A stray temporary file must not be picked up by the glob either.
        File.WriteAllText(Path.Combine(dir.Path, "tracker=" + Set.Id, ".part-x.parquet.tmp-1-ab"), "torn");

        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        string source = $"read_parquet('{dir.Path}/*/*.parquet', hive_partitioning = true)";
        string Where(CachedClip c) => $"tracker = '{Set.Id}' AND clip_key = '{c.ClipKey}'";

        Assert.Equal(4L, Scalar(db, $"SELECT count(*) FROM {source}"));
        Assert.Equal(3L, Scalar(db, $"SELECT count(*) FROM {source} WHERE tracker = '{Set.Id}'"));
        Assert.Equal(new[] { other.Id, Set.Id }.Order(StringComparer.Ordinal).ToArray(),
            Rows(db, $"SELECT DISTINCT tracker FROM {source} ORDER BY tracker").Select(r => (string)r[0]).ToArray());

        long visible = ours.Sum(c => c.Visible.Count(v => v));
        Assert.Equal(visible, (long)Scalar(db, $"SELECT sum(v::INTEGER)::BIGINT FROM (SELECT unnest(visible) AS v FROM {source} WHERE tracker = '{Set.Id}')"));

        CachedClip b = ours[2];
        int t = 4, n = 3, i = t * b.Points + n;
        // DuckDB lists are 1-based.
        Assert.Equal(b.X[i], (float)Scalar(db, $"SELECT x[{i + 1}] FROM {source} WHERE {Where(b)}"));
        Assert.Equal(b.Y[i], (float)Scalar(db, $"SELECT y[{i + 1}] FROM {source} WHERE {Where(b)}"));
        Assert.Equal(b.FrameIndices[t], (int)Scalar(db, $"SELECT frame_indices[{t + 1}] FROM {source} WHERE {Where(b)}"));
        Assert.Equal((b.Width, b.Frames, b.Points), ((int)Scalar(db, $"SELECT width FROM {source} WHERE {Where(b)}"),
            (int)Scalar(db, $"SELECT frames FROM {source} WHERE {Where(b)}"), (int)Scalar(db, $"SELECT points FROM {source} WHERE {Where(b)}")));
        Assert.Equal(b.VideoHash, (string)Scalar(db, $"SELECT video_hash FROM {source} WHERE {Where(b)}"));
        Assert.Equal(DBNull.Value, Scalar(db, $"SELECT confidence FROM {source} WHERE {Where(ours[1])}"));
        Assert.Equal(ours[0].Confidence![5], (float)Scalar(db, $"SELECT confidence[6] FROM {source} WHERE {Where(ours[0])}"));
        Assert.Equal("FLOAT[]", (string)Scalar(db, $"SELECT typeof(x) FROM {source} LIMIT 1"));
    }

    private static object Scalar(DuckDBConnection db, string sql)
    {
        using DuckDBCommand command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()!;
    }

    private static List<object[]> Rows(DuckDBConnection db, string sql)
    {
        using DuckDBCommand command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }
}
