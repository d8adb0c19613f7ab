using static TorchSharp.torch;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>Settings of <see cref="KMeans.Fit"/>.</summary>
/// <param name="Clusters">K.</param>
/// <param name="Restarts">Independent k-means++ initialisations; the run with the lowest inertia wins (sklearn's n_init).</param>
/// <param name="MaxIterations">Lloyd iterations per restart at most.</param>
/// <param name="Tolerance">Stop when the summed squared centre shift falls to this or below.</param>
/// <param name="Seed">Seeds a private generator: the same seed and data give the same result, and LibTorch's global
/// generator is neither read nor advanced.</param>
public sealed record KMeansOptions(int Clusters, int Restarts = 10, int MaxIterations = 300, double Tolerance = 1e-8, ulong Seed = 0);

/// <summary>The outcome of <see cref="KMeans.Fit"/>.</summary>
/// <param name="Labels">Cluster of each row, (N), int64.</param>
/// <param name="Centres">(K, D), float64.</param>
/// <param name="Inertia">Sum of squared distances of the rows to their centres.</param>
/// <param name="Iterations">Lloyd iterations of the winning restart.</param>
public sealed record KMeansResult(Tensor Labels, Tensor Centres, double Inertia, int Iterations) : IDisposable
{
    public void Dispose()
    {
        Labels.Dispose();
        Centres.Dispose();
    }
}

/// <summary>
/// Lloyd's k-means with k-means++ seeding and restarts, on (N, D) rows, in float64. An empty cluster is re-seeded
/// at the row farthest from its centre, so every result has K non-empty clusters when N ≥ K distinct rows exist.
/// </summary>
public static class KMeans
{
    public static KMeansResult Fit(Tensor data, KMeansOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (data.dim() != 2) throw new ArgumentException($"data must be (N, D), got [{string.Join(", ", data.shape)}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Clusters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Restarts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxIterations, 1);
        if (data.shape[0] < options.Clusters)
            throw new ArgumentException($"{data.shape[0]} rows cannot form {options.Clusters} clusters.");

        using var scope = NewDisposeScope();
        Tensor x = data.to(ScalarType.Float64).contiguous();
        using var generator = new Generator(options.Seed);
        (Tensor Labels, Tensor Centres, double Inertia, int Iterations)? best = null;
        for (int r = 0; r < options.Restarts; r++)
        {
            var run = Lloyd(x, PlusPlus(x, options.Clusters, generator), options);
            if (best is null || run.Inertia < best.Value.Inertia) best = run; // strict: earliest restart wins ties
        }
        var b = best!.Value;
        return new KMeansResult(b.Labels.MoveToOuterDisposeScope(), b.Centres.MoveToOuterDisposeScope(), b.Inertia, b.Iterations);
    }

    /// <summary>Index of the nearest centre for each row, (N), int64.</summary>
    public static Tensor Assign(Tensor data, Tensor centres)
    {
        using var scope = NewDisposeScope();
        return SquaredDistances(data.to(ScalarType.Float64), centres.to(ScalarType.Float64)).argmin(1).MoveToOuterDisposeScope();
    }

    private static Tensor SquaredDistances(Tensor x, Tensor c)
    {
        // ||x||² - 2 x·c + ||c||², clamped (rounding can make it slightly negative).
        Tensor xx = x.pow(2).sum(dim: 1, keepdim: true);
        Tensor cc = c.pow(2).sum(dim: 1).unsqueeze(0);
        return xx.sub(x.matmul(c.t()).mul(2)).add(cc).clamp_min(0);
    }

    // Plain k-means++ (Arthur & Vassilvitskii): first centre uniform, each next drawn with probability ∝ D².
    private static Tensor PlusPlus(Tensor x, int k, Generator generator)
    {
        long n = x.shape[0];
        var chosen = new List<long> { randint(0, n, new long[] { 1 }, generator: generator).item<long>() };
        Tensor closest = SquaredDistances(x, x[chosen[0]].unsqueeze(0)).squeeze(1);
        for (int j = 1; j < k; j++)
        {
            double total = closest.sum().item<double>();
            long next;
            if (total <= 0)
            {
                // All rows coincide with a chosen centre: take the first row not yet chosen.
                next = Enumerable.Range(0, (int)n).First(i => !chosen.Contains(i));
            }
            else
            {
                next = multinomial(closest.div(total), 1, replacement: false, generator: generator).item<long>();
            }
            chosen.Add(next);
            closest = minimum(closest, SquaredDistances(x, x[next].unsqueeze(0)).squeeze(1));
        }
        return x.index_select(0, tensor(chosen.ToArray())).clone();
    }

    private static (Tensor Labels, Tensor Centres, double Inertia, int Iterations) Lloyd(Tensor x, Tensor centres, KMeansOptions o)
    {
        int k = o.Clusters;
        long d = x.shape[1];
        Tensor labels = SquaredDistances(x, centres).argmin(1);
        int it = 0;
        while (it < o.MaxIterations)
        {
            it++;
            Tensor updated, newLabels;
            double shift;
            // One scope per iteration so a long run does not pile up its temporaries until Fit returns.
            using (var iteration = NewDisposeScope())
            {
                Tensor sums = zeros(new long[] { k, d }, dtype: ScalarType.Float64).index_add(0, labels, x, 1.0);
                Tensor counts = bincount(labels, minlength: k).to(ScalarType.Float64);
                updated = sums.div(counts.clamp_min(1).unsqueeze(1));
                // Re-seed empty clusters at the rows farthest from their current centre, one distinct row each.
                long[] countArray = counts.to(ScalarType.Int64).data<long>().ToArray();
                if (countArray.Any(c => c == 0))
                {
                    Tensor dist = SquaredDistances(x, centres).gather(1, labels.unsqueeze(1)).squeeze(1);
                    long[] far = dist.argsort(descending: true).data<long>().ToArray();
                    int f = 0;
                    for (int c = 0; c < k; c++)
                        if (countArray[c] == 0) updated[c] = x[far[f++]];
                }
                shift = updated.sub(centres).pow(2).sum().item<double>();
                newLabels = SquaredDistances(x, updated).argmin(1);
                updated.MoveToOuterDisposeScope();
                newLabels.MoveToOuterDisposeScope();
            }
            centres.Dispose();
            labels.Dispose();
            centres = updated;
            labels = newLabels;
            if (shift <= o.Tolerance) break;
        }
        double inertia = SquaredDistances(x, centres).gather(1, labels.unsqueeze(1)).sum().item<double>();
        return (labels, centres, inertia, it);
    }
}
