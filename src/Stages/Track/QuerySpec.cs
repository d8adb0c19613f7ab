namespace MoSiC.Stream.Stages.Track;

/// <summary>What to track: a CoTracker-style G×G grid on one frame, or explicit (t, x, y) queries.</summary>
public abstract record QuerySpec
{
    private QuerySpec()
    {
    }

    /// <summary>A G×G grid on <paramref name="frame"/> over the frame (see <see cref="QueryGrid"/>).</summary>
    public static QuerySpec Grid(int size, int frame = 0) => new GridQueries(size, frame);

    /// <summary>Explicit queries, one per point, in output order.</summary>
    public static QuerySpec Explicit(IReadOnlyList<TrackQuery> queries) => new ExplicitQueries(queries);

    /// <summary>The concrete queries for clips of <paramref name="frames"/> frames of width × height; bad queries throw, naming the query.</summary>
    public abstract TrackQuery[] Resolve(int width, int height, int frames);

    /// <summary>Short text for logs and cache keys: <c>grid16@0</c> or <c>explicit:N</c>.</summary>
    public abstract string Describe();

    /// <summary>A G×G grid on one frame: learned trackers lay it out in their own frame (see <see cref="QueryGrid"/>).</summary>
    public sealed record GridQueries(int Size, int Frame) : QuerySpec
    {
        public override TrackQuery[] Resolve(int width, int height, int frames)
        {
            if (Size < 1) throw new ArgumentOutOfRangeException(nameof(Size), $"grid size must be at least 1, got {Size}");
            if (Frame < 0 || Frame >= frames) throw new ArgumentOutOfRangeException(nameof(Frame), $"grid query frame {Frame} is outside the clip's {frames} frames");
            return QueryGrid.Points(Size, width, height, Frame);
        }

        public override string Describe() => $"grid{Size}@{Frame}";
    }

    private sealed record ExplicitQueries(IReadOnlyList<TrackQuery> Queries) : QuerySpec
    {
        public override TrackQuery[] Resolve(int width, int height, int frames)
        {
            if (Queries.Count == 0) throw new ArgumentException("explicit queries: none given", nameof(Queries));
            for (int i = 0; i < Queries.Count; i++)
            {
                TrackQuery q = Queries[i];
                if (q.Frame < 0 || q.Frame >= frames)
                    throw new ArgumentOutOfRangeException(nameof(Queries), $"query {i}: frame {q.Frame} is outside the clip's {frames} frames");
                if (!float.IsFinite(q.X) || !float.IsFinite(q.Y) || q.X < -0.5f || q.Y < -0.5f || q.X > width - 0.5f || q.Y > height - 0.5f)
                    throw new ArgumentOutOfRangeException(nameof(Queries), $"query {i}: ({q.X}, {q.Y}) is outside the {width}×{height} frame");
            }

            return [.. Queries];
        }

        public override string Describe() => $"explicit:{Queries.Count}";
    }
}
