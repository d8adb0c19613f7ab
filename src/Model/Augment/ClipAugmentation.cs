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
    /// outside the crop on frame 0, marks points invisible on frames where they are outside the crop, and keeps the
    /// rest (see <see cref="SelectEvenly"/>).
    /// </summary>
    public static AugmentedTracks ApplyToTracks(Tensor tracks, Tensor visibility, ClipAugmentParams p, ClipAugmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(p);
        return ApplyToTracks(tracks, visibility, Enumerable.Repeat(p, (int)tracks.shape[0]).ToArray(), options);
    }

    /// <summary>
    /// As <see cref="ApplyToTracks(Tensor, Tensor, ClipAugmentParams, ClipAugmentOptions)"/> with one augmentation per
    /// frame: frame t of the tracks goes through <paramref name="perFrame"/>[t]. Two views of one image are a T = 2
    /// "clip" whose tracks are the same source points mapped through each view's flip and crop.
    /// </summary>
    public static AugmentedTracks ApplyToTracks(Tensor tracks, Tensor visibility, IReadOnlyList<ClipAugmentParams> perFrame, ClipAugmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(perFrame);
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        if (tracks.dim() != 3 || tracks.shape[2] != 2) throw new ArgumentException($"tracks must be [T, N, 2], got [{string.Join(", ", tracks.shape)}]", nameof(tracks));
        if (!visibility.shape.SequenceEqual(tracks.shape[..2])) throw new ArgumentException($"visibility must be [{tracks.shape[0]}, {tracks.shape[1]}], got [{string.Join(", ", visibility.shape)}]", nameof(visibility));
        int t = (int)tracks.shape[0], n = (int)tracks.shape[1];
        if (perFrame.Count != t) throw new ArgumentException($"{perFrame.Count} augmentations for {t} frames", nameof(perFrame));
        int size = perFrame[0].OutputSize;
        if (perFrame.Any(p => p.OutputSize != size)) throw new ArgumentException("every frame's augmentation must have the same output size", nameof(perFrame));
        if (n == 0) return new AugmentedTracks(zeros(new long[] { t, 0, 2 }), zeros(new long[] { t, 0 }, ScalarType.Bool), zeros(new long[] { 0 }, ScalarType.Int64));
        float[] xy;
        bool[] vis;
        using (var cpuTracks = tracks.detach().to(ScalarType.Float32).cpu().contiguous()) xy = cpuTracks.data<float>().ToArray();
        using (var cpuVis = visibility.to(ScalarType.Bool).cpu().contiguous()) vis = cpuVis.data<bool>().ToArray();

        var mapped = new float[xy.Length];
        var inside = new bool[vis.Length];
        for (int i = 0; i < t * n; i++)
        {
            ClipAugmentParams p = perFrame[i / n];
            var (x, y) = p.Map(xy[2 * i], xy[2 * i + 1]);
            mapped[2 * i] = (float)x;
            mapped[2 * i + 1] = (float)y;
            inside[i] = p.Inside(x, y);
        }

        int[] kept = SelectEvenly(mapped, inside, n, size, options.GridSize, options.MaxPoints);
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

    /// <summary>
    /// Which of the n points (frame-0 output positions in <paramref name="mapped"/>) the loss sees. Every point inside
    /// the crop while there are at most <paramref name="maxPoints"/>; beyond that, one per cell of the G × G grid over
    /// the output (the patch grid: a cell is the patch the feature sampler reads), the point nearest the cell's centre,
    /// so the kept points cover the crop evenly whatever the order of the list. Should that still exceed
    /// <paramref name="maxPoints"/> (a cap below G²), cells are taken in a fixed pseudo-random order, not row by row.
    /// </summary>
    public static int[] SelectEvenly(float[] mapped, bool[] inside, int n, int size, int grid, int maxPoints)
    {
        int[] candidates = [.. Enumerable.Range(0, n).Where(i => inside[i])];
        if (candidates.Length <= maxPoints) return candidates;
        double cell = (double)size / grid;
        var best = new int[grid * grid];
        var bestDistance = new double[grid * grid];
        Array.Fill(best, -1);
        foreach (int i in candidates)
        {
            double x = mapped[2 * i], y = mapped[2 * i + 1];
            // The patch the nearest-feature sampler reads for this point: floor(round(p) · G / size).
            int cx = Math.Clamp((int)Math.Floor(Math.Round(x) * grid / size), 0, grid - 1);
            int cy = Math.Clamp((int)Math.Floor(Math.Round(y) * grid / size), 0, grid - 1);
            double dx = x - ((cx + 0.5) * cell - 0.5), dy = y - ((cy + 0.5) * cell - 0.5), d = dx * dx + dy * dy;
            int c = cy * grid + cx;
            if (best[c] < 0 || d < bestDistance[c]) (best[c], bestDistance[c]) = (i, d);
        }
        int[] cells = [.. Enumerable.Range(0, grid * grid).Where(c => best[c] >= 0)];
        if (cells.Length > maxPoints)
        {
            // A fixed shuffle (seed 0): even in expectation over the crop, and the same for every clip and run.
            new Random(0).Shuffle(cells);
            cells = [.. cells.Take(maxPoints).Order()];
        }
        return [.. cells.Select(c => best[c])];
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
