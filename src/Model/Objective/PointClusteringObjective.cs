using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Objective;

/// <summary>
/// One evaluation of the MoSiC objective on point features already sampled at the tracks
/// (docs/method.md §2 steps 6-8): project and score both networks, Sinkhorn on all teacher scores of the batch,
/// then the clustering loss of the student.
/// </summary>
public static class PointClusteringObjective
{
    /// <summary>
    /// The loss for student and teacher point features [B, T, N, D]. The teacher side runs without gradient;
    /// gradients reach the student features, the student head and the student prototypes only.
    /// </summary>
    /// <param name="studentPoints">Student features at the tracks, [B, T, N, D].</param>
    /// <param name="teacherPoints">Teacher features at the same tracks, [B, T, N, D].</param>
    /// <param name="visibility">[B, T, N] track visibility.</param>
    /// <param name="studentHead">Trainable projection head.</param>
    /// <param name="studentPrototypes">Trainable prototypes.</param>
    /// <param name="teacherHead">EMA projection head (no gradient).</param>
    /// <param name="teacherPrototypes">EMA prototypes (no gradient).</param>
    /// <param name="options">Sinkhorn, temperature, direction and targets.</param>
    /// <param name="mask">Optional [B, T, N] loss mask (see <see cref="TokenMasking.KeptAt"/>).</param>
    /// <param name="valid">Optional [B, N]: false marks padding slots, left out of Sinkhorn and of the loss.</param>
    /// <remarks>The caller re-normalises both prototype sets at the start of the step, as the reference does.</remarks>
    public static Tensor Loss(Tensor studentPoints, Tensor teacherPoints, Tensor visibility,
        ProjectionHead studentHead, Prototypes studentPrototypes, ProjectionHead teacherHead, Prototypes teacherPrototypes,
        ObjectiveOptions options, Tensor? mask = null, Tensor? valid = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        using var scope = NewDisposeScope();
        Tensor studentScores = studentPrototypes.forward(studentHead.forward(studentPoints));
        Tensor q;
        using (no_grad())
        {
            Tensor teacherScores = teacherPrototypes.forward(teacherHead.forward(teacherPoints.detach()));
            q = SinkhornKnopp.AssignPoints(teacherScores, valid, options.SinkhornEpsilon, options.SinkhornIterations);
        }
        return ClusteringLoss.Compute(studentScores, q, visibility, options, mask, valid).MoveToOuterDisposeScope();
    }
}
