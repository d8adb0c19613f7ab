using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Vit;

namespace MoSiC.Stream.Model.Train;

/// <summary>
/// Everything one <see cref="MosicTrainer"/> needs, fixed for its lifetime. Defaults are the reference run
/// (docs/reference-code.md §1.1, §1.12) except <see cref="Vit"/> and <see cref="TotalSteps"/>, which the caller sets.
/// </summary>
public sealed record MosicTrainerOptions
{
    /// <summary>Backbone architecture of student and teacher. Default <see cref="VitConfig.VitS14"/> at 224 px.</summary>
    public VitConfig Vit { get; init; } = VitConfig.VitS14 with { ImageSize = 224 };

    /// <summary>Projection width (reference 256).</summary>
    public int ProjectionDim { get; init; } = 256;

    /// <summary>Number of prototypes K (reference 100).</summary>
    public int Prototypes { get; init; } = 100;

    /// <summary>Blocks that train, counted from the last (reference 2). Patch/positional embedding and the final norm stay frozen.</summary>
    public int TrainableBlocks { get; init; } = 2;

    /// <summary>Learning rate of the trainable backbone blocks (reference 1e-5).</summary>
    public double LearningRateBackbone { get; init; } = 1e-5;

    /// <summary>Learning rate of head and prototypes (reference 1e-4).</summary>
    public double LearningRateHead { get; init; } = 1e-4;

    /// <summary>Decoupled weight decay on weights with ≥ 2 dimensions (reference 1e-2); biases and 1-D parameters get none.</summary>
    public double WeightDecay { get; init; } = 1e-2;

    /// <summary>Constant EMA momentum m in θt ← m·θt + (1−m)·θs (reference 0.99).</summary>
    public double EmaMomentum { get; init; } = 0.99;

    /// <summary>Optimisation steps of the whole run: the cosine schedule reaches 0 here.</summary>
    public long TotalSteps { get; init; } = 1;

    /// <summary>Seed of the initial weights (student backbone, head, prototypes).</summary>
    public int Seed { get; init; }

    /// <summary>Sinkhorn, temperature, loss direction and targets.</summary>
    public ObjectiveOptions Objective { get; init; } = new();

    /// <summary>Student token masking: fraction of patch tokens dropped per clip, in [0, 1) (reference release: 0).</summary>
    public double StudentMaskRatio { get; init; }

    /// <summary>How features are read at the tracks (reference: nearest patch).</summary>
    public FeatureSamplingOptions Sampling { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming every bad field, or returns this.</summary>
    public MosicTrainerOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(Vit);
        Vit.Validate();
        Objective.Validated();
        Sampling.Validated();
        var errors = new List<string>();
        if (ProjectionDim < 1) errors.Add($"projectionDim must be ≥ 1, got {ProjectionDim}");
        if (Prototypes < 2) errors.Add($"prototypes must be ≥ 2, got {Prototypes}");
        if (TrainableBlocks < 0 || TrainableBlocks > Vit.Depth) errors.Add($"trainableBlocks must be in 0..{Vit.Depth}, got {TrainableBlocks}");
        if (!(LearningRateBackbone >= 0) || !(LearningRateHead >= 0) || !(WeightDecay >= 0)) errors.Add("learning rates and weight decay must be ≥ 0");
        if (!(EmaMomentum is >= 0 and <= 1)) errors.Add($"emaMomentum must be in [0, 1], got {EmaMomentum}");
        if (TotalSteps < 1) errors.Add($"totalSteps must be ≥ 1, got {TotalSteps}");
        if (!(StudentMaskRatio is >= 0 and < 1)) errors.Add($"studentMaskRatio must be in [0, 1), got {StudentMaskRatio}");
        if (errors.Count > 0) throw new ArgumentException("trainer options: " + string.Join("; ", errors));
        return this;
    }
}
