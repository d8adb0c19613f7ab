namespace MoSiC.Stream.Model.Objective;

/// <summary>How a patch feature is read under a track point.</summary>
public enum SamplingMode
{
    /// <summary>The patch containing the point (the reference's nearest upsampling; the released configuration).</summary>
    Nearest,

    /// <summary>Bilinear between patch centres (grid_sample, align_corners false, border padding), which equals the
    /// reference's bilinear upsampling to full resolution followed by indexing.</summary>
    Bilinear,
}

/// <summary>Feature sampling at track positions (docs/reference-code.md §1.6, D5, D6).</summary>
public sealed record FeatureSamplingOptions
{
    /// <summary>Nearest patch (default) or bilinear.</summary>
    public SamplingMode Mode { get; init; } = SamplingMode.Nearest;

    /// <summary>
    /// Reproduce the reference's x/y swap: index feature rows with the track's x and columns with its y.
    /// Default false (rows by y, columns by x, the correct orientation for (x, y) tracks).
    /// </summary>
    public bool ReferenceSwapXY { get; init; }

    /// <summary>
    /// Round the clamped coordinates to the nearest pixel (ties to even) before sampling, as the reference does in
    /// both modes. Default true; false samples bilinearly at the exact sub-pixel position (no effect on nearest
    /// beyond the pixel rounding).
    /// </summary>
    public bool RoundToPixel { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> for an unknown mode, or returns this.</summary>
    public FeatureSamplingOptions Validated() =>
        Enum.IsDefined(Mode) ? this : throw new ArgumentException($"feature sampling mode must be one of {string.Join(", ", Enum.GetNames<SamplingMode>())}, got {(int)Mode}");
}
