using System.Globalization;

namespace MoSiC.Stream.Model.Objective;

/// <summary>
/// The clustering objective's settings. Defaults are what the released MoSiC run uses
/// (docs/reference-code.md §1.1): ε 0.05, 10 Sinkhorn rounds, temperature 0.1, reference direction, hard targets.
/// </summary>
public sealed record ObjectiveOptions
{
    /// <summary>Sinkhorn entropic regularisation ε (&gt; 0). Default 0.05 (the CLI's dead default 0.06 is never used).</summary>
    public double SinkhornEpsilon { get; init; } = 0.05;

    /// <summary>Sinkhorn row+column rounds (≥ 0). Default 10.</summary>
    public int SinkhornIterations { get; init; } = 10;

    /// <summary>Student softmax temperature τ (&gt; 0). Default 0.1 (hard-coded in the reference).</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Loss direction. Default <see cref="LossDirection.Reference"/>.</summary>
    public LossDirection Direction { get; init; } = LossDirection.Reference;

    /// <summary>Hard or soft targets. Default <see cref="TargetKind.Hard"/>.</summary>
    public TargetKind Targets { get; init; } = TargetKind.Hard;

    /// <summary>Throws <see cref="ArgumentException"/> naming every bad field, or returns this.</summary>
    public ObjectiveOptions Validated()
    {
        var errors = new List<string>();
        if (!(SinkhornEpsilon > 0) || !double.IsFinite(SinkhornEpsilon)) errors.Add($"sinkhornEpsilon must be > 0, got {Show(SinkhornEpsilon)}");
        if (SinkhornIterations is < 0 or > 10_000) errors.Add($"sinkhornIterations must be in 0..10000, got {SinkhornIterations}");
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) errors.Add($"temperature must be > 0, got {Show(Temperature)}");
        if (!Enum.IsDefined(Direction)) errors.Add($"direction must be one of {string.Join(", ", Enum.GetNames<LossDirection>())}, got {(int)Direction}");
        if (!Enum.IsDefined(Targets)) errors.Add($"targets must be one of {string.Join(", ", Enum.GetNames<TargetKind>())}, got {(int)Targets}");
        if (errors.Count > 0) throw new ArgumentException("objective options: " + string.Join("; ", errors));
        return this;
    }

    private static string Show(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
