using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MoSiC.Stream.Model.Objective;

/// <summary>
/// The MoSiC clustering loss on scores already computed (SMSD75/MoSiC <c>_hard_assignment</c> /
/// <c>_soft_assignment</c>; docs/reference-code.md §1.10).
/// </summary>
/// <remarks>
/// Every term is a mean over all B·T·N entries: invisible (or masked) entries contribute 0 but stay in the
/// denominator, as in the reference, so the loss scale follows the visibility rate. Padding slots (a batch of clips
/// with different point counts, <c>valid</c> false) are not entries at all: the mean is over the real points' T·Σ
/// entries, which is the reference's B·T·N when nothing is padded. The symmetric form is the sum of the two terms,
/// each with its own mean.
/// </remarks>
public static class ClusteringLoss
{
    /// <summary>
    /// The loss for student scores [B, T, N, K] against teacher assignments [B, T, N, K].
    /// </summary>
    /// <param name="studentScores">Student cosine scores; gradients flow into it. In the reference direction only
    /// frame 0 is read, so [B, 1, N, K] (the student run on frame 0 alone) is accepted there.</param>
    /// <param name="teacherQ">Sinkhorn assignments of the teacher (rows sum to 1); treated as constants.</param>
    /// <param name="visibility">[B, T, N], bool or float weights (1 = visible).</param>
    /// <param name="options">Direction, targets and temperature (validated by the caller or here).</param>
    /// <param name="mask">Optional [B, T, N] extra weight (the reference's "student feature not all zero"
    /// under token masking), taken at (b, t, n) for both terms exactly as the reference does.</param>
    /// <param name="valid">Optional [B, N]: false marks a padding slot, which is left out of the loss and its mean.</param>
    /// <returns>A 0-d fp32 tensor; the caller owns it.</returns>
    public static Tensor Compute(Tensor studentScores, Tensor teacherQ, Tensor visibility, ObjectiveOptions options, Tensor? mask = null, Tensor? valid = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        CheckShapes(studentScores, teacherQ, visibility, mask, valid, options.Direction);

        using var scope = NewDisposeScope();
        Tensor q = teacherQ.detach();
        Tensor weight = visibility.to(ScalarType.Float32);
        if (mask is not null) weight = weight.mul(mask.to(ScalarType.Float32));
        Tensor? entries = null;
        if (valid is not null)
        {
            Tensor real = valid.to(ScalarType.Float32).unsqueeze(1);
            weight = weight.mul(real);
            entries = real.sum().mul(q.shape[1]);
        }

        Tensor loss = options.Direction switch
        {
            LossDirection.Reference => ReferenceTerm(studentScores, q, weight, entries, options),
            LossDirection.Propagated => PropagatedTerm(studentScores, q, weight, entries, options),
            _ => ReferenceTerm(studentScores, q, weight, entries, options).add(PropagatedTerm(studentScores, q, weight, entries, options)),
        };
        return loss.MoveToOuterDisposeScope();
    }

    // Student frame 0 (broadcast over t) predicts the teacher's assignment at every frame t.
    private static Tensor ReferenceTerm(Tensor s, Tensor q, Tensor weight, Tensor? entries, ObjectiveOptions o)
    {
        long frames = q.shape[1];
        Tensor logp = F.log_softmax(s.select(1, 0).div(o.Temperature), -1).unsqueeze(1).expand(-1, frames, -1, -1);
        return Weighted(logp, q, weight, entries, o.Targets);
    }

    // The student at every frame t predicts the teacher's frame-0 assignment of the same track.
    private static Tensor PropagatedTerm(Tensor s, Tensor q, Tensor weight, Tensor? entries, ObjectiveOptions o)
    {
        long frames = s.shape[1];
        Tensor logp = F.log_softmax(s.div(o.Temperature), -1);
        Tensor q0 = q.select(1, 0).unsqueeze(1).expand(-1, frames, -1, -1);
        return Weighted(logp, q0, weight, entries, o.Targets);
    }

    private static Tensor Weighted(Tensor logp, Tensor q, Tensor weight, Tensor? entries, TargetKind targets)
    {
        Tensor perEntry = targets == TargetKind.Hard
            ? logp.gather(-1, q.argmax(-1, keepdim: true)).squeeze(-1).neg()
            : q.mul(logp).sum(-1).neg();
        Tensor weighted = perEntry.mul(weight);
        // Without padding this is the reference's plain mean, bit for bit.
        return entries is null ? weighted.mean() : weighted.sum().div(entries.clamp_min(1));
    }

    private static void CheckShapes(Tensor s, Tensor q, Tensor v, Tensor? mask, Tensor? valid, LossDirection direction)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(v);
        if (s.dim() != 4) throw new ArgumentException($"studentScores must be [B, T, N, K], got [{string.Join(", ", s.shape)}]", nameof(s));
        bool frameZeroOnly = direction == LossDirection.Reference && s.shape[1] == 1 && q.dim() == 4
            && s.shape[0] == q.shape[0] && s.shape[2] == q.shape[2] && s.shape[3] == q.shape[3];
        if (!s.shape.SequenceEqual(q.shape) && !frameZeroOnly) throw new ArgumentException($"teacherQ [{string.Join(", ", q.shape)}] must match studentScores [{string.Join(", ", s.shape)}] (or, in the reference direction, studentScores may hold frame 0 only)", nameof(q));
        long[] btn = q.shape[..3];
        if (!v.shape.SequenceEqual(btn)) throw new ArgumentException($"visibility must be [{string.Join(", ", btn)}], got [{string.Join(", ", v.shape)}]", nameof(v));
        if (mask is not null && !mask.shape.SequenceEqual(btn)) throw new ArgumentException($"mask must be [{string.Join(", ", btn)}], got [{string.Join(", ", mask.shape)}]", nameof(mask));
        if (valid is not null && !valid.shape.SequenceEqual(new[] { btn[0], btn[2] })) throw new ArgumentException($"valid must be [{btn[0]}, {btn[2]}], got [{string.Join(", ", valid.shape)}]", nameof(valid));
    }
}
