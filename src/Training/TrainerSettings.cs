using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Vit;

namespace MoSiC.Stream.Training;

/// <summary>The pipeline's <c>trainer</c> section as the model's <see cref="MosicTrainerOptions"/>.</summary>
internal static class TrainerSettings
{
    public static MosicTrainerOptions From(TrainerOptions t, long totalSteps)
    {
        VitConfig vit = VitConfig.FromName(t.Model);
        // Without init weights the positional grid is built at the training size (timm-style, as MoSiC trains);
        // with them the loader resamples whatever grid the file has.
        if (t.Init is null) vit = vit with { ImageSize = t.ImageSize };
        return new MosicTrainerOptions
        {
            Vit = vit,
            Prototypes = t.Prototypes,
            TrainableBlocks = Math.Min(t.TrainableBlocks, vit.Depth),
            LearningRateBackbone = t.LearningRateBackbone,
            LearningRateHead = t.LearningRateHead,
            WeightDecay = t.WeightDecay,
            EmaMomentum = t.EmaMomentum,
            TotalSteps = totalSteps,
            Seed = t.Seed,
            StudentMaskRatio = t.StudentMaskRatio,
            Objective = new ObjectiveOptions
            {
                SinkhornEpsilon = t.SinkhornEpsilon,
                SinkhornIterations = t.SinkhornIterations,
                Temperature = t.Temperature,
                Direction = t.Loss switch { "propagated" => LossDirection.Propagated, "symmetric" => LossDirection.Symmetric, _ => LossDirection.Reference },
                Targets = t.Targets == "soft" ? TargetKind.Soft : TargetKind.Hard,
            },
            Sampling = new FeatureSamplingOptions
            {
                Mode = t.Sampling == "bilinear" ? SamplingMode.Bilinear : SamplingMode.Nearest,
                ReferenceSwapXY = t.ReferenceSwapXY,
            },
        }.Validated();
    }
}
