namespace MoSiC.Stream.Model.Train.Optim;

/// <summary>
/// Cosine annealing to 0 without warm-up (torch <c>CosineAnnealingLR</c>, <c>eta_min = 0</c>, <c>T_max</c> = total
/// steps), in closed form so the rate depends only on the step: a resumed run needs no scheduler state beyond it.
/// </summary>
public static class CosineSchedule
{
    /// <summary>The factor multiplying every base rate for the update made at 0-based <paramref name="step"/>.</summary>
    /// <param name="step">Updates already made (0 for the first).</param>
    /// <param name="totalSteps">Steps of the whole run (≥ 1); the factor is 0 from here on.</param>
    public static double Factor(long step, long totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        if (step >= totalSteps) return 0;
        return 0.5 * (1 + Math.Cos(Math.PI * Math.Max(step, 0) / totalSteps));
    }
}
