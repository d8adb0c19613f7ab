using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Train.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter; torch.optim.AdamW's update with betas (0.9, 0.999), eps 1e-8, no amsgrad) over
/// named parameter groups. Written here rather than taken from TorchSharp so that its whole state (moments and the
/// step) is plain named tensors a checkpoint can store and restore exactly.
/// </summary>
public sealed class DecoupledAdamW : IDisposable
{
    private readonly Dictionary<string, (Tensor ExpAvg, Tensor ExpAvgSq)> _state = new(StringComparer.Ordinal);

    /// <summary>An optimiser over <paramref name="groups"/>; moments start at zero.</summary>
    /// <param name="groups">Parameter groups; every parameter name must be unique.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="eps">Denominator epsilon.</param>
    public DecoupledAdamW(IReadOnlyList<OptimizerGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        Groups = groups;
        (Beta1, Beta2, Eps) = (beta1, beta2, eps);
        foreach (var group in groups)
            foreach (var (name, p) in group.Parameters)
            {
                if (_state.ContainsKey(name)) throw new ArgumentException($"parameter '{name}' is in two groups");
                _state[name] = (zeros_like(p).requires_grad_(false), zeros_like(p).requires_grad_(false));
            }
    }

    /// <summary>The groups, in construction order.</summary>
    public IReadOnlyList<OptimizerGroup> Groups { get; }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator epsilon.</summary>
    public double Eps { get; }

    /// <summary>Updates made so far (drives the bias correction).</summary>
    public long StepCount { get; set; }

    /// <summary>The moments, by parameter name, as <c>exp_avg.NAME</c> and <c>exp_avg_sq.NAME</c>; live tensors, not copies.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> State() =>
        _state.SelectMany(kv => new[] { ("exp_avg." + kv.Key, kv.Value.ExpAvg), ("exp_avg_sq." + kv.Key, kv.Value.ExpAvgSq) });

    /// <summary>Clears every parameter's gradient (sets it to none).</summary>
    public void ZeroGrad()
    {
        foreach (var group in Groups)
            foreach (var (_, p) in group.Parameters)
                p.grad = null;
    }

    /// <summary>One update with every group's base rate multiplied by <paramref name="lrFactor"/>; parameters without a gradient are skipped.</summary>
    /// <param name="lrFactor">Schedule factor for this step.</param>
    public void Step(double lrFactor)
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(Beta1, StepCount);
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, StepCount));
        using var noGrad = no_grad();
        foreach (var group in Groups)
        {
            double lr = group.LearningRate * lrFactor;
            foreach (var (name, p) in group.Parameters)
            {
                if (p.grad is not { } g) continue;
                using var scope = NewDisposeScope();
                var (m, v) = _state[name];
                // Same order of operations as torch's single-tensor AdamW, so results match it to rounding.
                p.mul_(1 - lr * group.WeightDecay);
                m.lerp_(g, 1 - Beta1);
                v.mul_(Beta2).addcmul_(g, g, 1 - Beta2);
                Tensor denom = v.sqrt().div_(bc2Sqrt).add_(Eps);
                p.addcdiv_(m, denom, -lr / bc1);
            }
        }
    }

    /// <summary>Copies saved moments back (names as <see cref="State"/> gives them).</summary>
    /// <param name="lookup">Returns the saved tensor for a state name.</param>
    /// <param name="stepCount">Saved <see cref="StepCount"/>.</param>
    public void Restore(Func<string, Tensor> lookup, long stepCount)
    {
        using var noGrad = no_grad();
        foreach (var (name, t) in State().ToList())
            t.copy_(lookup(name));
        StepCount = stepCount;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (m, v) in _state.Values)
        {
            m.Dispose();
            v.Dispose();
        }
        _state.Clear();
    }
}
