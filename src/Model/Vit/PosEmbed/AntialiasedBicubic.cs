using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Vit.PosEmbed;

/// <summary>
/// Separable antialiased bicubic resize, numerically the same as PyTorch's
/// <c>F.interpolate(mode="bicubic", antialias=True, align_corners=False)</c> on CPU.
/// </summary>
/// <remarks>
/// Written out rather than delegated because TorchSharp's <c>interpolate</c> did not expose <c>antialias</c> when this
/// port started, and timm's load-time resample (37×37 → 16×16) and the reg4 runtime path depend on it. PyTorch's
/// antialiased path differs from the plain one in three ways that all matter: the PIL-style Keys kernel a = −0.5 (not
/// −0.75), a support widened by the downscale ratio, and per-output weights renormalised to sum 1. Each axis becomes
/// a dense (out × in) weight matrix applied by matmul; the grids here are tiny (≤ 37 per side).
/// </remarks>
public static class AntialiasedBicubic
{
    private const double KeysA = -0.5;

    /// <summary>Resizes the last two dims of <paramref name="input"/> (…, H, W) to (…, outH, outW).</summary>
    /// <param name="input">Floating tensor, any leading dims.</param>
    /// <param name="outH">Output rows.</param>
    /// <param name="outW">Output columns.</param>
    /// <param name="scaleH">PyTorch's <c>scale_factor</c> for rows when the caller resizes by scale: the coordinate map
    /// then uses 1/scale rather than H/outH. Null for size-based resizing.</param>
    /// <param name="scaleW">Same for columns.</param>
    /// <returns>A new tensor of the input's dtype.</returns>
    public static Tensor Resize(Tensor input, long outH, long outW, double? scaleH = null, double? scaleW = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(input.dim(), 2L, nameof(input));
        ArgumentOutOfRangeException.ThrowIfLessThan(outH, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(outW, 1L);
        long inH = input.shape[^2], inW = input.shape[^1];
        using var scope = NewDisposeScope();
        // float64 weights and products: the result is at least as exact as PyTorch's float32 kernel.
        var rows = WeightTensor(inH, outH, scaleH, input.device);
        var cols = WeightTensor(inW, outW, scaleW, input.device);
        var x = input.to(ScalarType.Float64);
        var resized = matmul(matmul(rows, x), cols.t());
        return resized.to(input.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The (out × in) weight matrix for one axis: row i holds the normalised kernel weights of output sample i.
    /// </summary>
    /// <param name="inSize">Input samples.</param>
    /// <param name="outSize">Output samples.</param>
    /// <param name="scale">Caller's scale factor, or null for size-based (ratio = in / out).</param>
    public static double[,] Weights(long inSize, long outSize, double? scale = null)
    {
        double ratio = scale is > 0 ? 1.0 / scale.Value : (double)inSize / outSize;
        // Downscaling widens the kernel by the ratio (that is the antialiasing); upscaling keeps the plain support.
        double support = ratio >= 1.0 ? 2.0 * ratio : 2.0;
        double invScale = ratio >= 1.0 ? 1.0 / ratio : 1.0;
        var w = new double[outSize, inSize];
        for (long i = 0; i < outSize; i++)
        {
            double center = ratio * (i + 0.5);
            // Truncation (not floor) as in ATen; the lower bound is clamped at 0 anyway.
            long lo = Math.Max((long)(center - support + 0.5), 0);
            long hi = Math.Min((long)(center + support + 0.5), inSize);
            double total = 0;
            for (long j = lo; j < hi; j++)
            {
                double v = Cubic((j - center + 0.5) * invScale);
                w[i, j] = v;
                total += v;
            }
            if (total != 0)
                for (long j = lo; j < hi; j++)
                    w[i, j] /= total;
        }
        return w;
    }

    private static Tensor WeightTensor(long inSize, long outSize, double? scale, Device device)
    {
        var w = Weights(inSize, outSize, scale);
        return from_array(w).to(device);
    }

    // Keys cubic convolution kernel with a = -0.5 (PIL's bicubic).
    private static double Cubic(double x)
    {
        x = Math.Abs(x);
        if (x < 1.0)
            return ((KeysA + 2.0) * x - (KeysA + 3.0)) * x * x + 1.0;
        if (x < 2.0)
            return (((x - 5.0) * x + 8.0) * x - 4.0) * KeysA;
        return 0.0;
    }
}
