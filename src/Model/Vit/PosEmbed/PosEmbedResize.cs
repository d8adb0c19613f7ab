using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Vit.PosEmbed;

/// <summary>
/// The two ways a trained square positional grid is resized to another patch grid: DINOv2's runtime path and timm's
/// load-time path. They give visibly different numbers (up to 3.6 apart on random grids), so callers pick explicitly.
/// </summary>
public static class PosEmbedResize
{
    /// <summary>
    /// DINOv2's <c>interpolate_pos_encoding</c> for a (1, 1 + M², D) positional embedding and a rows × cols patch grid.
    /// Returns the embedding unchanged (a new handle) when the patch count matches and the image is square, as the
    /// official code does; otherwise resizes the M × M grid bicubically and keeps the class position.
    /// </summary>
    /// <param name="posEmbed">(1, 1 + M², D) embedding, class position first.</param>
    /// <param name="rows">Patch rows of the input.</param>
    /// <param name="cols">Patch columns of the input.</param>
    /// <param name="squareImage">Whether the input image is square (the official identity test compares image sides).</param>
    /// <param name="antialias">Antialiased resize (reg4 models).</param>
    /// <param name="offset">Scale-factor offset: &gt; 0 resizes by scale ((rows + offset)/M, (cols + offset)/M), the
    /// historical fix kept by the base models; 0 resizes to the exact size.</param>
    public static Tensor Runtime(Tensor posEmbed, int rows, int cols, bool squareImage, bool antialias, double offset)
    {
        long n = posEmbed.shape[1] - 1;
        if (n == (long)rows * cols && squareImage)
            return posEmbed.alias();

        using var scope = NewDisposeScope();
        long m = SquareSide(n);
        long dim = posEmbed.shape[2];
        var cls = posEmbed[.., ..1];
        var grid = posEmbed[.., 1..].to(ScalarType.Float32).reshape(1, m, m, dim).permute(0, 3, 1, 2);
        Tensor resized;
        if (offset > 0)
        {
            double sy = (rows + offset) / m, sx = (cols + offset) / m;
            resized = antialias
                ? AntialiasedBicubic.Resize(grid, (long)Math.Floor(m * sy), (long)Math.Floor(m * sx), sy, sx)
                : nn.functional.interpolate(grid, scale_factor: [sy, sx], mode: InterpolationMode.Bicubic,
                    align_corners: false, recompute_scale_factor: false);
        }
        else
        {
            resized = antialias
                ? AntialiasedBicubic.Resize(grid, rows, cols)
                : nn.functional.interpolate(grid, size: [rows, cols], mode: InterpolationMode.Bicubic, align_corners: false);
        }
        if (resized.shape[2] != rows || resized.shape[3] != cols)
            throw new InvalidOperationException(
                $"positional grid resized to {resized.shape[2]}×{resized.shape[3]}, expected {rows}×{cols}");
        var patches = resized.permute(0, 2, 3, 1).reshape(1, (long)rows * cols, dim);
        return cat([cls.to(patches.dtype), patches], 1).to(posEmbed.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// timm's <c>resample_abs_pos_embed</c>: size-based antialiased bicubic resize of the patch grid of a
    /// (1, P + M², D) embedding to a rows × cols grid, keeping the <paramref name="prefixTokens"/> leading positions.
    /// </summary>
    /// <param name="posEmbed">(1, P + M², D) embedding.</param>
    /// <param name="rows">Target patch rows.</param>
    /// <param name="cols">Target patch columns.</param>
    /// <param name="prefixTokens">Leading non-grid positions P (1 for DINOv2: the class token).</param>
    public static Tensor LoadTime(Tensor posEmbed, int rows, int cols, int prefixTokens = 1)
    {
        using var scope = NewDisposeScope();
        long m = SquareSide(posEmbed.shape[1] - prefixTokens);
        long dim = posEmbed.shape[2];
        var prefix = posEmbed[.., ..prefixTokens];
        var grid = posEmbed[.., prefixTokens..].reshape(1, m, m, dim).permute(0, 3, 1, 2);
        var resized = AntialiasedBicubic.Resize(grid, rows, cols);
        var patches = resized.permute(0, 2, 3, 1).reshape(1, (long)rows * cols, dim);
        return cat([prefix, patches], 1).MoveToOuterDisposeScope();
    }

    /// <summary>Side of a square grid of <paramref name="count"/> positions.</summary>
    /// <exception cref="ArgumentException">The count is not a perfect square.</exception>
    public static long SquareSide(long count)
    {
        long m = (long)Math.Round(Math.Sqrt(count));
        if (m * m != count)
            throw new ArgumentException($"positional embedding has {count} grid positions, not a square number");
        return m;
    }
}
