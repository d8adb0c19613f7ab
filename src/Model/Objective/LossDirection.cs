namespace MoSiC.Stream.Model.Objective;

/// <summary>Which student frame predicts which teacher label (docs: reference-code.md §1.10, D1).</summary>
public enum LossDirection
{
    /// <summary>
    /// The released reference: the student's frame-0 scores of point n predict the teacher's label of the same
    /// track at every frame t.
    /// </summary>
    Reference,

    /// <summary>The paper's reading: the teacher's frame-0 label, carried along the track, is predicted by the student at every frame t.</summary>
    Propagated,

    /// <summary>Both terms, summed (the reference's <c>use_symmetric_loss</c>).</summary>
    Symmetric,
}

/// <summary>Whether targets are the argmax of the Sinkhorn assignment or the assignment itself.</summary>
public enum TargetKind
{
    /// <summary>Cross-entropy against <c>argmax_k q</c> (the reference default).</summary>
    Hard,

    /// <summary>Soft cross-entropy <c>−Σ_k q_k · log softmax(s/τ)_k</c> (the reference's <c>use_soft_assignment</c>).</summary>
    Soft,
}
