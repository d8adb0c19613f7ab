using System.Globalization;

namespace MoSiC.Stream.Model.Augment;

/// <summary>
/// Clip augmentation settings (docs/method.md §2 step 2 and §3). Defaults: the reference's 224-pixel output,
/// flip with p = 0.5, RandomResizedCrop area 0.4-1.0 and aspect 3/4-4/3, and up to 256 points nearest a 16×16 grid.
/// </summary>
public sealed record ClipAugmentOptions
{
    /// <summary>Square output side in pixels. Default 224.</summary>
    public int OutputSize { get; init; } = 224;

    /// <summary>Probability of a horizontal flip of the whole clip. Default 0.5.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Smallest crop area as a fraction of the frame. Default 0.4 (train.sh <c>--crop_scale 0.4</c>).</summary>
    public double CropScaleMin { get; init; } = 0.4;

    /// <summary>Largest crop area fraction. Default 1.0.</summary>
    public double CropScaleMax { get; init; } = 1.0;

    /// <summary>Smallest crop aspect ratio (width / height), sampled log-uniformly. Default 3/4.</summary>
    public double CropRatioMin { get; init; } = 3.0 / 4.0;

    /// <summary>Largest crop aspect ratio. Default 4/3.</summary>
    public double CropRatioMax { get; init; } = 4.0 / 3.0;

    /// <summary>Side of the point-selection grid laid over the output frame: the patch grid (default 16, 224/14).
    /// When more points fall inside a crop than <see cref="MaxPoints"/>, one per cell is kept.</summary>
    public int GridSize { get; init; } = 16;

    /// <summary>Most points kept per clip (≤ GridSize²). Default 256.</summary>
    public int MaxPoints { get; init; } = 256;

    /// <summary>
    /// The coarsest tracked grid (G × G query points over the frame) that still leaves about one point per patch row
    /// and column inside the smallest crop: the crop's shorter side is at least √(area·r) of the frame, with r the
    /// ratio bound furthest from 1 (min(cropRatioMin, 1 / cropRatioMax)), so G ≥ ⌈GridSize / √(CropScaleMin · r)⌉.
    /// The reference's 16×16 patches, area 0.4 and aspect 3/4–4/3 give 30; the shipped pipelines track 32.
    /// </summary>
    public int MinimumTrackGrid()
    {
        double ratio = Math.Min(CropRatioMin, 1 / CropRatioMax);
        return (int)Math.Ceiling(GridSize / Math.Sqrt(CropScaleMin * Math.Min(1, ratio)) - 1e-9);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming every bad field, or returns this.</summary>
    public ClipAugmentOptions Validated()
    {
        var e = new List<string>();
        if (OutputSize is < 1 or > 8192) e.Add($"outputSize must be in 1..8192, got {OutputSize}");
        if (!(FlipProbability is >= 0 and <= 1)) e.Add($"flipProbability must be in [0, 1], got {Show(FlipProbability)}");
        if (!(CropScaleMin > 0 && CropScaleMin <= CropScaleMax && CropScaleMax <= 1)) e.Add($"cropScaleMin/cropScaleMax must satisfy 0 < min <= max <= 1, got {Show(CropScaleMin)}/{Show(CropScaleMax)}");
        if (!(CropRatioMin > 0 && CropRatioMin <= CropRatioMax && double.IsFinite(CropRatioMax))) e.Add($"cropRatioMin/cropRatioMax must satisfy 0 < min <= max, got {Show(CropRatioMin)}/{Show(CropRatioMax)}");
        if (GridSize is < 1 or > 1024) e.Add($"gridSize must be in 1..1024, got {GridSize}");
        if (MaxPoints < 1 || MaxPoints > (long)GridSize * GridSize) e.Add($"maxPoints must be in 1..gridSize² ({(long)GridSize * GridSize}), got {MaxPoints}");
        if (e.Count > 0) throw new ArgumentException("clip augmentation options: " + string.Join("; ", e));
        return this;
    }

    private static string Show(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
