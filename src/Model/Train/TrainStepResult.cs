namespace MoSiC.Stream.Model.Train;

/// <summary>What one optimisation step reports.</summary>
/// <param name="Step">1-based index of the step just taken.</param>
/// <param name="Loss">The clustering loss before the update.</param>
/// <param name="LearningRateHead">Head/prototype learning rate the update used (the backbone's is in the same ratio).</param>
/// <param name="LabelEntropy">Entropy in nats of the teacher's hard-label histogram over all B·T·N points
/// (ln K when every prototype is used equally; 0 when one prototype takes every point: collapse).</param>
/// <param name="PrototypesUsed">Distinct prototypes among the teacher's hard labels.</param>
/// <param name="LabelConsistency">Share of visible (point, frame ≥ 1) pairs whose teacher label is the point's
/// frame-0 label (NaN for single-frame clips): what MoSiC trains for, seen from the targets.</param>
public sealed record TrainStepResult(long Step, double Loss, double LearningRateHead, double LabelEntropy, int PrototypesUsed, double LabelConsistency = double.NaN);
