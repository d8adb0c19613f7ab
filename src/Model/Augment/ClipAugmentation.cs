using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MoSiC.Stream.Model.Augment;

/// <summary>
/// Applies one clip's flip and crop to its frames and to its cached tracks (docs/method.md §3), so that a point
/// tracked on the un-augmented clip lands on the same content of the augmented frames.
/// </summary>
public static class ClipAugmentation
{
    /// <summary>
    /// Flips and crops frames [T, C, H, W] (float) and resizes the crop to S × S with bilinear interpolation
    /// (align_corners false, the pixel-centre convention <see cref="ClipAugmentParams.Map"/> uses).
    /// </summary>
    /// <remarks>
    /// No antialiasing: the crop is at most the frame, so with frames already at the working size (the reference
    /// resizes to 224 first) the resize only enlarges, where PIL's bilinear and this agree in geometry.
    /// </remarks>
    public static Tensor ApplyToFrames(Tensor frames, ClipAugmentParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (frames.dim() != 4 || frames.shape[2] != p.SourceHeight || frames.shape[3] != p.SourceWidth)
            throw new ArgumentException($"frames must be [T, C, {p.SourceHeight}, {p.SourceWidth}], got [{string.Join(", ", frames.shape)}]", nameof(frames));
        using var scope = NewDisposeScope();
        Tensor x = p.Flip ? frames.flip(3) : frames;
        x = x.narrow(2, p.Top, p.Height).narrow(3, p.Left, p.Width);
        x = F.interpolate(x, size: new long[] { p.OutputSize, p.OutputSize }, mode: InterpolationMode.Bilinear, align_corners: false);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Maps tracks [T, N, 2] ((x, y) source pixels) and visibility [T, N] through the flip and crop, drops points
    /// outside the crop on frame 0, marks points invisible on frames where they are outside the crop, and keeps up
    /// to <see cref="ClipAugmentOptions.MaxPoints"/> points: for each cell of a G × G grid over the output frame
    /// (row-major), the not-yet-taken point whose frame-0 position is nearest the cell centre.
    /// </summary>
    public static AugmentedTracks ApplyToTracks(Tensor tracks, Tensor visibility, ClipAugmentParams p, ClipAugmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        if (tracks.dim() != 3 || tracks.shape[2] != 2) throw new ArgumentException($"tracks must be [T, N, 2], got [{string.Join(", ", tracks.shape)}]", nameof(tracks));
        if (!visibility.shape.SequenceEqual(tracks.shape[..2])) throw new ArgumentException($"visibility must be [{tracks.shape[0]}, {tracks.shape[1]}], got [{string.Join(", ", visibility.shape)}]", nameof(visibility));
        int t = (int)tracks.shape[0], n = (int)tracks.shape[1];
        float[] xy;
        bool[] vis;
        using (var cpuTracks = tracks.detach().to(ScalarType.Float32).cpu().contiguous()) xy = cpuTracks.data<float>().ToArray();
        using (var cpuVis = visibility.to(ScalarType.Bool).cpu().contiguous()) vis = cpuVis.data<bool>().ToArray();

        var mapped = new float[xy.Length];
        var inside = new bool[vis.Length];
        for (int i = 0; i < t * n; i++)
        {
            var (x, y) = p.Map(xy[2 * i], xy[2 * i + 1]);
            mapped[2 * i] = (float)x;
            mapped[2 * i + 1] = (float)y;
            inside[i] = p.Inside(x, y);
        }

        int[] kept = SelectNearGrid(mapped, inside, n, p.OutputSize, options.GridSize, options.MaxPoints);
        int m = kept.Length;
        var outXy = new float[t * m * 2];
        var outVis = new bool[t * m];
        for (int f = 0; f < t; f++)
            for (int j = 0; j < m; j++)
            {
                int src = f * n + kept[j], dst = f * m + j;
                outXy[2 * dst] = mapped[2 * src];
                outXy[2 * dst + 1] = mapped[2 * src + 1];
                outVis[dst] = vis[src] && inside[src];
            }
        return new AugmentedTracks(
            tensor(outXy, new long[] { t, m, 2 }),
            tensor(outVis, new long[] { t, m }),
            tensor(kept.Select(k => (long)k).ToArray(), new long[] { m }));
    }

    // Greedy, deterministic: cells in row-major order each take the nearest free candidate (frame-0 positions).
    private static int[] SelectNearGrid(float[] mapped, bool[] inside, int n, int size, int grid, int maxPoints)
    {
        var free = new List<int>();
        for (int i = 0; i < n; i++) if (inside[i]) free.Add(i);
        var kept = new List<int>(Math.Min(maxPoints, free.Count));
        double cell = (double)size / grid;
        for (int cy = 0; cy < grid && kept.Count < maxPoints && free.Count > 0; cy++)
            for (int cx = 0; cx < grid && kept.Count < maxPoints && free.Count > 0; cx++)
            {
                double gx = (cx + 0.5) * cell - 0.5, gy = (cy + 0.5) * cell - 0.5;
                int best = 0;
                double bestD = double.PositiveInfinity;
                for (int k = 0; k < free.Count; k++)
                {
                    int i = free[k];
                    double dx = mapped[2 * i] - gx, dy = mapped[2 * i + 1] - gy, d = dx * dx + dy * dy;
                    if (d < bestD) { bestD = d; best = k; }
                }
                kept.Add(free[best]);
                free.RemoveAt(best);
            }
        return kept.ToArray();
    }
}

/// <summary>Tracks after augmentation. The caller owns (disposes) the tensors.</summary>
/// <param name="Tracks">[T, M, 2] (x, y) in output pixels.</param>
/// <param name="Visibility">[T, M] bool: visible in the source and inside the crop.</param>
/// <param name="SourceIndex">[M] index of each kept point in the input tracks.</param>
public sealed record AugmentedTracks(Tensor Tracks, Tensor Visibility, Tensor SourceIndex) : IDisposable
{
    /// <summary>Disposes the three tensors.</summary>
    public void Dispose()
    {
        Tracks.Dispose();
        Visibility.Dispose();
        SourceIndex.Dispose();
    }
}
