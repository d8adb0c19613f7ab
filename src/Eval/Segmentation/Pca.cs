using static TorchSharp.torch;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>
/// StandardScaler followed by PCA, as the TimeT / MoSiC evaluation does before k-means: every feature dimension is
/// centred and divided by its population standard deviation (ddof 0; a constant dimension is left at 0), then the
/// rows are projected on the leading eigenvectors of the covariance. Computed in float64 for reproducibility.
/// </summary>
public sealed class Pca : IDisposable
{
    private Pca(Tensor mean, Tensor scale, Tensor components, Tensor explainedVariance)
    {
        Mean = mean;
        Scale = scale;
        Components = components;
        ExplainedVariance = explainedVariance;
    }

    /// <summary>Per-dimension mean, (D), float64.</summary>
    public Tensor Mean { get; }

    /// <summary>Per-dimension standard deviation used to scale, (D), float64 (1 where the dimension is constant).</summary>
    public Tensor Scale { get; }

    /// <summary>Principal axes as rows, (k, D), float64, in decreasing variance; each row's largest-magnitude entry is positive.</summary>
    public Tensor Components { get; }

    /// <summary>Variance of the standardised data along each axis (eigenvalues of its covariance, ddof 1), (k).</summary>
    public Tensor ExplainedVariance { get; }

    /// <summary>Number of output dimensions.</summary>
    public long Dimensions => Components.shape[0];

    /// <summary>
    /// Fits on <paramref name="features"/> (N, D); keeps min(<paramref name="dimensions"/>, D, N) axes.
    /// </summary>
    public static Pca Fit(Tensor features, int dimensions = 50)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2) throw new ArgumentException($"features must be (N, D), got [{string.Join(", ", features.shape)}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        long n = features.shape[0], d = features.shape[1];
        if (n < 2) throw new ArgumentException("PCA needs at least two rows.");
        using var scope = NewDisposeScope();
        Tensor x = features.to(ScalarType.Float64);
        Tensor mean = x.mean(new long[] { 0 });
        Tensor std = x.sub(mean).pow(2).mean(new long[] { 0 }).sqrt();
        Tensor scale = where(std.gt(0), std, ones_like(std));
        Tensor z = x.sub(mean).div(scale);
        Tensor cov = z.t().matmul(z).div(n - 1);
        var (values, vectors) = linalg.eigh(cov); // ascending
        long k = Math.Min(dimensions, Math.Min(d, n));
        Tensor order = arange(d - 1, d - 1 - k, -1, dtype: ScalarType.Int64);
        Tensor top = vectors.index_select(1, order).t(); // (k, D)
        Tensor vals = values.index_select(0, order).clamp_min(0);
        // Deterministic signs: the largest-|.| entry of each axis positive (sklearn's svd_flip convention).
        Tensor argmax = top.abs().argmax(1, keepdim: true);
        Tensor signs = top.gather(1, argmax).sign();
        signs = where(signs.eq(0), ones_like(signs), signs);
        top = top.mul(signs);
        return new Pca(mean.MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope(),
            top.contiguous().MoveToOuterDisposeScope(), vals.MoveToOuterDisposeScope());
    }

    /// <summary>Projects (N, D) rows to (N, k), float64.</summary>
    public Tensor Transform(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var scope = NewDisposeScope();
        Tensor z = features.to(ScalarType.Float64).sub(Mean).div(Scale);
        return z.matmul(Components.t()).MoveToOuterDisposeScope();
    }

    /// <summary>Fits on <paramref name="features"/> and returns their projection (N, k), float64.</summary>
    public static Tensor FitTransform(Tensor features, int dimensions = 50)
    {
        using var pca = Fit(features, dimensions);
        return pca.Transform(features);
    }

    public void Dispose()
    {
        Mean.Dispose();
        Scale.Dispose();
        Components.Dispose();
        ExplainedVariance.Dispose();
    }
}
