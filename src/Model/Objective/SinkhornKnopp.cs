using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Objective;

/// <summary>
/// Sinkhorn-Knopp equipartition of samples over prototypes, in the reference's exact order
/// (SMSD75/MoSiC <c>utils/my_utils.py</c> <c>find_optimal_assignment</c> / <c>sinkhorn</c>, one process).
/// </summary>
public static class SinkhornKnopp
{
    /// <summary>
    /// Soft assignments <c>Q</c> [N, K] for scores [N, K] (N samples, K prototypes), computed in fp32 without
    /// gradient: <c>Q = exp(S/ε)ᵀ</c>, divided by its total; then <paramref name="iterations"/> rounds of
    /// "scale every prototype row to sum 1/K, then every sample column to sum 1/N"; finally every sample is
    /// divided by its own sum, so each row of the result sums to 1.
    /// </summary>
    /// <param name="scores">Cosine scores, [N, K]; any floating dtype (cast to fp32).</param>
    /// <param name="epsilon">Entropic regularisation ε (&gt; 0; MoSiC: 0.05).</param>
    /// <param name="iterations">Row+column rounds (≥ 0; MoSiC: 10).</param>
    /// <returns>A new fp32 tensor [N, K] on the scores' device, not part of any graph; the caller owns it.</returns>
    public static Tensor Assign(Tensor scores, double epsilon, int iterations)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.dim() != 2) throw new ArgumentException($"scores must be [N, K], got [{string.Join(", ", scores.shape)}]", nameof(scores));
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must be > 0");
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long n = scores.shape[0], k = scores.shape[1];
        Tensor logits = scores.detach().to(ScalarType.Float32) / epsilon;
        // The reference exponentiates directly (e^20 at ε = 0.05 still fits fp32). Subtracting the global
        // maximum is one constant factor, which the division by the total removes, so the result is the
        // reference's up to rounding while a smaller ε or larger scores no longer overflow to inf/NaN.
        Tensor q = logits.sub(logits.max()).exp_().t();
        q = q.div(q.sum());
        using var rowTarget = full(new[] { k }, 1f / k, ScalarType.Float32, scores.device);
        using var colTarget = full(new[] { n }, 1f / n, ScalarType.Float32, scores.device);
        for (int i = 0; i < iterations; i++)
        {
            using var rowScale = rowTarget.div(q.sum(dim: 1)).unsqueeze(1);
            q = q.mul(rowScale);
            // Named dim: a bare literal 0 would bind to sum(ScalarType), i.e. a whole-tensor sum in uint8.
            using var colScale = colTarget.div(q.sum(dim: 0)).unsqueeze(0);
            q = q.mul(colScale);
        }
        Tensor result = q.div(q.sum(0, keepdim: true)).t().contiguous();
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One equipartition over every point of every frame of every clip of a batch (docs/reference-code.md D2):
    /// teacher scores [B, T, N, K] → assignments of the same shape. With <paramref name="valid"/> [B, N] (false for
    /// the padding slots a batch of clips with different point counts carries) only real points enter Sinkhorn, at
    /// all their frames, visible or not as in the reference; padding slots get all-zero rows.
    /// </summary>
    public static Tensor AssignPoints(Tensor teacherScores, Tensor? valid, double epsilon, int iterations)
    {
        ArgumentNullException.ThrowIfNull(teacherScores);
        if (teacherScores.dim() != 4) throw new ArgumentException($"teacher scores must be [B, T, N, K], got [{string.Join(", ", teacherScores.shape)}]", nameof(teacherScores));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long k = teacherScores.shape[^1];
        Tensor flat = teacherScores.reshape(-1, k);
        if (valid is null) return Assign(flat, epsilon, iterations).reshape(teacherScores.shape).MoveToOuterDisposeScope();
        long b = teacherScores.shape[0], t = teacherScores.shape[1], n = teacherScores.shape[2];
        if (!valid.shape.SequenceEqual(new[] { b, n })) throw new ArgumentException($"valid must be [{b}, {n}], got [{string.Join(", ", valid.shape)}]", nameof(valid));
        Tensor index = valid.to(ScalarType.Bool).unsqueeze(1).expand(b, t, n).reshape(-1).nonzero().squeeze(1);
        Tensor q = zeros(new[] { b * t * n, k }, ScalarType.Float32, teacherScores.device)
            .index_copy_(0, index, Assign(flat.index_select(0, index), epsilon, iterations));
        return q.reshape(teacherScores.shape).MoveToOuterDisposeScope();
    }
}
