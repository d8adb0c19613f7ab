namespace MoSiC.Stream.Model.Augment;

/// <summary>
/// One clip's augmentation, shared by all its frames: an optional horizontal flip, then a crop box
/// (in the flipped source frame) resized to a square output.
/// </summary>
/// <param name="Flip">Mirror the frame horizontally before cropping.</param>
/// <param name="Top">Crop box top row (pixels of the source frame).</param>
/// <param name="Left">Crop box left column.</param>
/// <param name="Height">Crop box height (≥ 1).</param>
/// <param name="Width">Crop box width (≥ 1).</param>
/// <param name="SourceHeight">Source frame height.</param>
/// <param name="SourceWidth">Source frame width.</param>
/// <param name="OutputSize">Square output side.</param>
public sealed record ClipAugmentParams(bool Flip, int Top, int Left, int Height, int Width, int SourceHeight, int SourceWidth, int OutputSize)
{
    /// <summary>
    /// Draws a flip and a RandomResizedCrop box the way torchvision's <c>RandomResizedCrop.get_params</c> does
    /// (area fraction uniform, aspect log-uniform, 10 tries, then a centre crop clamped to the ratio range),
    /// flip first as the reference applies them. Deterministic for a given <paramref name="random"/> state.
    /// </summary>
    public static ClipAugmentParams Sample(int sourceHeight, int sourceWidth, ClipAugmentOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        options.Validated();
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceWidth, 1);

        bool flip = random.NextDouble() < options.FlipProbability;
        double area = (double)sourceHeight * sourceWidth;
        double logMin = Math.Log(options.CropRatioMin), logMax = Math.Log(options.CropRatioMax);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * Uniform(random, options.CropScaleMin, options.CropScaleMax);
            double aspect = Math.Exp(Uniform(random, logMin, logMax));
            int w = (int)Math.Round(Math.Sqrt(target * aspect));
            int h = (int)Math.Round(Math.Sqrt(target / aspect));
            if (w > 0 && w <= sourceWidth && h > 0 && h <= sourceHeight)
            {
                int top = random.Next(0, sourceHeight - h + 1);
                int left = random.Next(0, sourceWidth - w + 1);
                return new ClipAugmentParams(flip, top, left, h, w, sourceHeight, sourceWidth, options.OutputSize);
            }
        }
        // Fallback: the largest centred box whose aspect lies in the allowed range.
        double ratio = (double)sourceWidth / sourceHeight;
        int cw = sourceWidth, ch = sourceHeight;
        if (ratio < options.CropRatioMin) ch = (int)Math.Round(cw / options.CropRatioMin);
        else if (ratio > options.CropRatioMax) cw = (int)Math.Round(ch * options.CropRatioMax);
        return new ClipAugmentParams(flip, (sourceHeight - ch) / 2, (sourceWidth - cw) / 2, ch, cw, sourceHeight, sourceWidth, options.OutputSize);
    }

    /// <summary>The identity crop (whole frame, optional flip) resized to <paramref name="outputSize"/>.</summary>
    public static ClipAugmentParams Whole(int sourceHeight, int sourceWidth, int outputSize, bool flip = false) =>
        new(flip, 0, 0, sourceHeight, sourceWidth, sourceHeight, sourceWidth, outputSize);

    /// <summary>
    /// Maps a source pixel coordinate (pixel centres at integers, CoTracker's convention) to the output frame:
    /// flip <c>x → W − 1 − x</c>, then crop and resize with the centre convention
    /// <c>x' = (x − left + 0.5) · S / width − 0.5</c>.
    /// </summary>
    public (double X, double Y) Map(double x, double y)
    {
        if (Flip) x = SourceWidth - 1 - x;
        return ((x - Left + 0.5) * OutputSize / Width - 0.5, (y - Top + 0.5) * OutputSize / Height - 0.5);
    }

    /// <summary>Whether an output coordinate lies on the output frame (its pixel is one of the S × S pixels).</summary>
    public bool Inside(double x, double y) =>
        x >= -0.5 && x < OutputSize - 0.5 && y >= -0.5 && y < OutputSize - 0.5;

    private static double Uniform(Random r, double a, double b) => a + (b - a) * r.NextDouble();
}
