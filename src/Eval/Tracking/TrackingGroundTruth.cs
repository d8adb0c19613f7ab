using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Eval.Tracking;

/// <summary>
/// Ground-truth point tracks of one sequence in TAP-Vid layout, (N, T) point-major, in pixels of the
/// decoded frames (<see cref="Width"/> × <see cref="Height"/>). <see cref="Annotated"/> marks the cells
/// that have ground truth at all (every cell for dense tracks, annotated frames for sparse ones); only
/// those are scored. Queries follow TAP-Vid's "query first": each point's first visible annotation.
/// </summary>
public sealed record TrackingGroundTruth
{
    /// <summary>Sequence name shown in reports.</summary>
    public required string Name { get; init; }

    /// <summary>Where the ground truth comes from, e.g. <c>synthetic</c> or <c>badja</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The frames the tracks refer to.</summary>
    public required VideoSource Source { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>T.</summary>
    public required int Frames { get; init; }

    /// <summary>(N, T, 2) x then y; NaN where unknown.</summary>
    public required float[] Points { get; init; }

    /// <summary>(N, T): the point is hidden (occluded or out of view) on an annotated cell.</summary>
    public required bool[] Occluded { get; init; }

    /// <summary>(N, T): the cell has ground truth.</summary>
    public required bool[] Annotated { get; init; }

    /// <summary>Per point: its first visible annotation, as (t, x, y).</summary>
    public required TrackQuery[] Queries { get; init; }

    /// <summary>Optional per-point labels (joint names) for reports.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Optional per-point object (the mask label it lies on; 0 = background), where the ground truth knows it.</summary>
    public IReadOnlyList<int>? Objects { get; init; }

    /// <summary>N.</summary>
    public int Count => Queries.Length;

    /// <summary>Keeps the first <paramref name="frames"/> frames, dropping points whose query falls after them.</summary>
    public TrackingGroundTruth Truncate(int frames)
    {
        if (frames >= Frames) return this;
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        int[] kept = Enumerable.Range(0, Count).Where(p => Queries[p].Frame < frames).ToArray();
        return Reshape(kept, frames, kept.Select(p => Queries[p]).ToArray());
    }

    /// <summary>Builds the record from (N, T) arrays, deriving the queries; points never visible are dropped.</summary>
    internal static TrackingGroundTruth Create(string name, string kind, VideoSource source, int width, int height, int frames,
        float[] points, bool[] occluded, bool[] annotated, IReadOnlyList<string>? labels = null, IReadOnlyList<int>? objects = null)
    {
        var kept = new List<int>();
        var queries = new List<TrackQuery>();
        for (int p = 0; p < occluded.Length / frames; p++)
        {
            int first = Enumerable.Range(p * frames, frames).FirstOrDefault(cell => annotated[cell] && !occluded[cell], -1);
            if (first >= 0)
            {
                kept.Add(p);
                queries.Add(new TrackQuery(first - p * frames, points[2 * first], points[2 * first + 1]));
            }
        }

        var all = new TrackingGroundTruth
        {
            Name = name,
            Kind = kind,
            Source = source,
            Width = width,
            Height = height,
            Frames = frames,
            Points = points,
            Occluded = occluded,
            Annotated = annotated,
            Queries = [],
            Labels = labels,
            Objects = objects,
        };
        return all.Reshape([.. kept], frames, [.. queries]);
    }

    /// <summary>The first <paramref name="frames"/> frames of the points <paramref name="kept"/>, with their queries.</summary>
    private TrackingGroundTruth Reshape(int[] kept, int frames, TrackQuery[] queries)
    {
        var points = new float[kept.Length * frames * 2];
        var occluded = new bool[kept.Length * frames];
        var annotated = new bool[kept.Length * frames];
        for (int i = 0; i < kept.Length; i++)
        {
            Array.Copy(Points, kept[i] * Frames * 2, points, i * frames * 2, frames * 2);
            Array.Copy(Occluded, kept[i] * Frames, occluded, i * frames, frames);
            Array.Copy(Annotated, kept[i] * Frames, annotated, i * frames, frames);
        }

        return this with
        {
            Frames = frames,
            Points = points,
            Occluded = occluded,
            Annotated = annotated,
            Queries = queries,
            Labels = Labels is null ? null : kept.Select(p => Labels[p]).ToArray(),
            Objects = Objects is null ? null : kept.Select(p => Objects[p]).ToArray(),
        };
    }
}
