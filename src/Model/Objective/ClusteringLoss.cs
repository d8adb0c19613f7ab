using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MoSiC.Stream.Model.Objective;

/// <summary>
/// The MoSiC clustering loss on scores already computed (SMSD75/MoSiC <c>_hard_assignment</c> /
/// <c>_soft_assignment</c>; docs/reference-code.md §1.10).
/// </summary>
/// <remarks>
/// Every term is a mean over all B·T·N entries: invisible (or masked) entries contribute 0 but stay in the
/// denominator, as in the reference, so the loss scale follows the visibility rate. The symmetric form is the
/// sum of the two terms, each with its own mean.
/// </remarks>
public static class ClusteringLoss
{
    /// <summary>
    /// The loss for student scores [B, T, N, K] against teacher assignments [B, T, N, K].
    /// </summary>
    /// <param name="studentScores">Student cosine scores; gradients flow into it.</param>
    /// <param name="teacherQ">Sinkhorn assignments of the teacher (rows sum to 1); treated as constants.</param>
    /// <param name="visibility">[B, T, N], bool or float weights (1 = visible).</param>
    /// <param name="options">Direction, targets and temperature (validated by the caller or here).</param>
    /// <param name="mask">Optional [B, T, N] extra weight (the reference's "student feature not all zero"
    /// under token masking), taken at (b, t, n) for both terms exactly as the reference does.</param>
    /// <returns>A 0-d fp32 tensor; the caller owns it.</returns>
    public static Tensor Compute(Tensor studentScores, Tensor teacherQ, Tensor visibility, ObjectiveOptions options, Tensor? mask = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        CheckShapes(studentScores, teacherQ, visibility, mask);

        using var scope = NewDisposeScope();
        Tensor q = teacherQ.detach();
        Tensor weight = visibility.to(ScalarType.Float32);
        if (mask is not null) weight = weight.mul(mask.to(ScalarType.Float32));

        Tensor loss = options.Direction switch
        {
            LossDirection.Reference => ReferenceTerm(studentScores, q, weight, options),
            LossDirection.Propagated => PropagatedTerm(studentScores, q, weight, options),
            _ => ReferenceTerm(studentScores, q, weight, options).add(PropagatedTerm(studentScores, q, weight, options)),
        };
        return loss.MoveToOuterDisposeScope();
    }

    // Student frame 0 (broadcast over t) predicts the teacher's assignment at every frame t.
    private static Tensor ReferenceTerm(Tensor s, Tensor q, Tensor weight, ObjectiveOptions o)
    {
        long frames = s.shape[1];
        Tensor logp = F.log_softmax(s.select(1, 0).div(o.Temperature), -1).unsqueeze(1).expand(-1, frames, -1, -1);
        return Weighted(logp, q, weight, o.Targets);
    }

    // The student at every frame t predicts the teacher's frame-0 assignment of the same track.
    private static Tensor PropagatedTerm(Tensor s, Tensor q, Tensor weight, ObjectiveOptions o)
    {
        long frames = s.shape[1];
        Tensor logp = F.log_softmax(s.div(o.Temperature), -1);
        Tensor q0 = q.select(1, 0).unsqueeze(1).expand(-1, frames, -1, -1);
        return Weighted(logp, q0, weight, o.Targets);
    }

    private static Tensor Weighted(Tensor logp, Tensor q, Tensor weight, TargetKind targets)
    {
        Tensor perEntry = targets == TargetKind.Hard
            ? logp.gather(-1, q.argmax(-1, keepdim: true)).squeeze(-1).neg()
            : q.mul(logp).sum(-1).neg();
        return perEntry.mul(weight).mean();
    }

    private static void CheckShapes(Tensor s, Tensor q, Tensor v, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(v);
        if (s.dim() != 4) throw new ArgumentException($"studentScores must be [B, T, N, K], got [{string.Join(", ", s.shape)}]", nameof(s));
        if (!s.shape.SequenceEqual(q.shape)) throw new ArgumentException($"teacherQ [{string.Join(", ", q.shape)}] must match studentScores [{string.Join(", ", s.shape)}]", nameof(q));
        long[] btn = s.shape[..3];
        if (!v.shape.SequenceEqual(btn)) throw new ArgumentException($"visibility must be [{string.Join(", ", btn)}], got [{string.Join(", ", v.shape)}]", nameof(v));
        if (mask is not null && !mask.shape.SequenceEqual(btn)) throw new ArgumentException($"mask must be [{string.Join(", ", btn)}], got [{string.Join(", ", mask.shape)}]", nameof(mask));
    }
}
