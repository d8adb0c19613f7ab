using static TorchSharp.torch;

namespace MoSiC.Stream.Eval.Correspondence;

/// <summary>A ground-truth point seen on a source and a target frame: the patch it is in on each (row-major index of a
/// rows × cols grid) and, when known, the object it belongs to.</summary>
public readonly record struct TrackedPatch(int Source, int Target, int Object = -1);

/// <summary>What one (source, target) frame pair gave: counts over its points.</summary>
/// <param name="Points">Points visible on both frames.</param>
/// <param name="Hits">Points whose source feature's nearest target patch lies within ±radius patches of the truth.</param>
/// <param name="SameObject">Points whose nearest target patch shows the point's own object (counted only where both are known).</param>
/// <param name="WithObject">Points with a known object and a known label at the chosen patch.</param>
/// <param name="ChanceHits">Sum over points of the share of target patches within ±radius of the truth: the hits a uniformly
/// random choice would expect.</param>
public sealed record MatchCounts(int Points, int Hits, int SameObject, int WithObject, double ChanceHits)
{
    public static MatchCounts Zero { get; } = new(0, 0, 0, 0, 0);

    public MatchCounts Add(MatchCounts o) => new(Points + o.Points, Hits + o.Hits, SameObject + o.SameObject, WithObject + o.WithObject, ChanceHits + o.ChanceHits);
}

/// <summary>
/// Temporal correspondence of frozen features, what MoSiC trains for: a point's frame-s patch feature should be most
/// similar (cosine) to the patch it moved to on frame t. Pure maths on features; no I/O.
/// </summary>
public static class CorrespondenceMatch
{
    /// <summary>
    /// For every point, the cosine nearest neighbour of its source patch feature among all target patches; a hit when it
    /// is within ±<paramref name="radius"/> patches (rows and columns) of the point's true target patch.
    /// </summary>
    /// <param name="source">Source frame's patch features (rows·cols, D).</param>
    /// <param name="target">Target frame's patch features (rows·cols, D).</param>
    /// <param name="rows">Patch grid rows.</param>
    /// <param name="cols">Patch grid columns.</param>
    /// <param name="points">The points visible on both frames.</param>
    /// <param name="targetObjects">Optional object label of every target patch (row-major), for the same-object rate.</param>
    /// <param name="radius">Hit tolerance in patches (default 1).</param>
    public static MatchCounts NearestNeighbour(Tensor source, Tensor target, int rows, int cols, IReadOnlyList<TrackedPatch> points,
        IReadOnlyList<int>? targetObjects = null, int radius = 1)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) return MatchCounts.Zero;
        using var scope = NewDisposeScope();
        Tensor queries = nn.functional.normalize(source.index_select(0, tensor(points.Select(p => (long)p.Source).ToArray())).to(ScalarType.Float32), dim: 1);
        Tensor keys = nn.functional.normalize(target.to(ScalarType.Float32), dim: 1);
        long[] best = queries.matmul(keys.t()).argmax(1).data<long>().ToArray();
        int hits = 0, same = 0, withObject = 0;
        double chance = 0;
        for (int i = 0; i < points.Count; i++)
        {
            int tr = points[i].Target / cols, tc = points[i].Target % cols, br = (int)best[i] / cols, bc = (int)best[i] % cols;
            if (Math.Abs(br - tr) <= radius && Math.Abs(bc - tc) <= radius) hits++;
            int window = (Math.Min(rows - 1, tr + radius) - Math.Max(0, tr - radius) + 1) * (Math.Min(cols - 1, tc + radius) - Math.Max(0, tc - radius) + 1);
            chance += (double)window / (rows * cols);
            if (targetObjects is not null && points[i].Object >= 0)
            {
                withObject++;
                if (targetObjects[(int)best[i]] == points[i].Object) same++;
            }
        }
        return new MatchCounts(points.Count, hits, same, withObject, chance);
    }

    /// <summary>
    /// Label consistency of a clustering head (a trained teacher's projection + prototypes): how many points keep the
    /// prototype of their source patch at their true target patch. Labels are per patch (rows·cols) on each frame.
    /// </summary>
    public static (int Same, int Points) LabelConsistency(IReadOnlyList<long> sourceLabels, IReadOnlyList<long> targetLabels, IReadOnlyList<TrackedPatch> points)
    {
        ArgumentNullException.ThrowIfNull(sourceLabels);
        ArgumentNullException.ThrowIfNull(targetLabels);
        ArgumentNullException.ThrowIfNull(points);
        return (points.Count(p => sourceLabels[p.Source] == targetLabels[p.Target]), points.Count);
    }
}
