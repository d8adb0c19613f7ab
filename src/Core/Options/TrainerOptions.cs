using System.ComponentModel;

namespace MoSiC.Stream.Core.Options;

/// <summary>The MoSiC trainer (defaults: the reference configuration, see docs/method.md §2).</summary>
public sealed record TrainerOptions
{
    internal static readonly string[] Models = ["tiny", "vits14", "vitb14", "vits14_reg4", "vitb14_reg4"];

    [Description("Backbone: tiny (CPU tests), vits14, vitb14, vits14_reg4, vitb14_reg4.")]
    public string Model { get; init; } = "vits14";

    [Description("Initial weights (official DINOv2 .pth, safetensors, or a MoSiC checkpoint); null = random init.")]
    public string? Init { get; init; }

    [Description("Input size of the student and teacher (pixels, multiple of the patch size 14; MoSiC: 224).")]
    public int ImageSize { get; init; } = 224;

    [Description("Clips per optimisation step (MoSiC: 64 globally). Sinkhorn equipartitions over this batch.")]
    public int BatchSize { get; init; } = 64;

    [Description("Passes over the corpus.")]
    public int Epochs { get; init; } = 8;

    [Description("Learning rate of the backbone blocks that train.")]
    public double LearningRateBackbone { get; init; } = 1e-5;

    [Description("Learning rate of the projection head and prototypes.")]
    public double LearningRateHead { get; init; } = 1e-4;

    [Description("AdamW weight decay (biases and 1-D parameters get none).")]
    public double WeightDecay { get; init; } = 1e-2;

    [Description("EMA teacher momentum.")]
    public double EmaMomentum { get; init; } = 0.99;

    [Description("Number of prototypes K.")]
    public int Prototypes { get; init; } = 100;

    [Description("Student blocks that train, counted from the last (MoSiC: 2, i.e. blocks 10 and 11 of 12).")]
    public int TrainableBlocks { get; init; } = 2;

    [Description("Sinkhorn-Knopp epsilon.")]
    public double SinkhornEpsilon { get; init; } = 0.05;

    [Description("Sinkhorn-Knopp iterations.")]
    public int SinkhornIterations { get; init; } = 10;

    [Description("Student softmax temperature.")]
    public double Temperature { get; init; } = 0.1;

    [Description("Seed for initialisation, augmentation and data order.")]
    public int Seed { get; init; } = 0;

    [Description("Clips held in the shuffle buffer before the trainer, so a streamed first epoch's batches are not runs of one video.")]
    public int ShuffleClips { get; init; } = 16;

    [Description("Folder for checkpoints.")]
    public string CheckpointDir { get; init; } = ".mosic/checkpoints";

    [Description("Also checkpoint every this many steps (0 = only at epoch ends and on interruption), so a killed run loses at most this many steps.")]
    public int CheckpointEverySteps { get; init; } = 0;

    [Description("Loss form: reference (student frame 0 vs teacher labels at every frame), propagated (teacher frame-0 labels vs student at every frame), symmetric (both).")]
    public string Loss { get; init; } = "reference";

    [Description("Targets: hard (argmax of the Sinkhorn assignment, as the reference) or soft (the assignment itself).")]
    public string Targets { get; init; } = "hard";

    [Description("Feature sampling at the tracks: nearest (patch under the point, as the reference) or bilinear.")]
    public string Sampling { get; init; } = "nearest";

    [Description("Reproduce the reference's x/y swap when sampling features (rows indexed by x); off samples the correct point.")]
    public bool ReferenceSwapXY { get; init; }

    [Description("Student token masking: fraction of patch tokens dropped per clip (same for all its frames), in [0, 1). Reference release: 0; paper ablation: 0.1.")]
    public double StudentMaskRatio { get; init; }

    [Description("Ablation of the tracks the loss sees: none (as tracked), shuffle (for frames ≥ 1, a seeded permutation of the points of each clip, each carrying its own visibility), static (x_t = x_0, visibility as tracked). Drawn from its own seeded generator, so runs that differ only here see the same pixels, crops and frame-0 points.")]
    public string TrackControl { get; init; } = "none";

    [Description("What a training sample is: clips (T frames with their tracks) or image-pairs (two independent flip+crop views of a clip's first frame, T = 2, the exact mapping of its frame-0 points between them as tracks; image-only dense pretraining with the same objective).")]
    public string ClipSource { get; init; } = "clips";

    internal static readonly string[] TrackControls = ["none", "shuffle", "static"];
    internal static readonly string[] ClipSources = ["clips", "image-pairs"];
    internal static readonly string[] Losses = ["reference", "propagated", "symmetric"];
    internal static readonly string[] TargetKinds = ["hard", "soft"];
    internal static readonly string[] SamplingModes = ["nearest", "bilinear"];

    internal void Validate(OptionErrors e, string path)
    {
        e.Require(Array.IndexOf(Losses, Loss) >= 0, OptionErrors.Join(path, "loss"), $"must be one of {string.Join(", ", Losses)}, got \"{Loss}\"");
        e.Require(Array.IndexOf(TargetKinds, Targets) >= 0, OptionErrors.Join(path, "targets"), $"must be one of {string.Join(", ", TargetKinds)}, got \"{Targets}\"");
        e.Require(Array.IndexOf(SamplingModes, Sampling) >= 0, OptionErrors.Join(path, "sampling"), $"must be one of {string.Join(", ", SamplingModes)}, got \"{Sampling}\"");
        e.Require(Array.IndexOf(TrackControls, TrackControl) >= 0, OptionErrors.Join(path, "trackControl"), $"must be one of {string.Join(", ", TrackControls)}, got \"{TrackControl}\"");
        e.Require(Array.IndexOf(ClipSources, ClipSource) >= 0, OptionErrors.Join(path, "clipSource"), $"must be one of {string.Join(", ", ClipSources)}, got \"{ClipSource}\"");
        e.Require(StudentMaskRatio is >= 0 and < 1, OptionErrors.Join(path, "studentMaskRatio"), $"must be in [0, 1), got {OptionErrors.Show(StudentMaskRatio)}");
        e.Require(Array.IndexOf(Models, Model) >= 0, OptionErrors.Join(path, "model"), $"must be one of {string.Join(", ", Models)}, got \"{Model}\"");
        e.Require(ImageSize is >= 14 and <= 2048 && ImageSize % 14 == 0, OptionErrors.Join(path, "imageSize"), $"must be a multiple of 14 in 14..2048, got {ImageSize}");
        e.Require(BatchSize is >= 1 and <= 65_536, OptionErrors.Join(path, "batchSize"), $"must be in 1..65536, got {BatchSize}");
        e.Require(Epochs is >= 1 and <= 100_000, OptionErrors.Join(path, "epochs"), $"must be in 1..100000, got {Epochs}");
        Positive(e, OptionErrors.Join(path, "learningRateBackbone"), LearningRateBackbone, allowZero: true);
        Positive(e, OptionErrors.Join(path, "learningRateHead"), LearningRateHead, allowZero: true);
        Positive(e, OptionErrors.Join(path, "weightDecay"), WeightDecay, allowZero: true);
        e.Require(EmaMomentum is >= 0 and <= 1, OptionErrors.Join(path, "emaMomentum"), $"must be in [0, 1], got {OptionErrors.Show(EmaMomentum)}");
        e.Require(Prototypes is >= 2 and <= 100_000, OptionErrors.Join(path, "prototypes"), $"must be in 2..100000, got {Prototypes}");
        e.Require(TrainableBlocks is >= 0 and <= 64, OptionErrors.Join(path, "trainableBlocks"), $"must be in 0..64, got {TrainableBlocks}");
        Positive(e, OptionErrors.Join(path, "sinkhornEpsilon"), SinkhornEpsilon, allowZero: false);
        e.Require(SinkhornIterations is >= 1 and <= 10_000, OptionErrors.Join(path, "sinkhornIterations"), $"must be in 1..10000, got {SinkhornIterations}");
        Positive(e, OptionErrors.Join(path, "temperature"), Temperature, allowZero: false);
        e.Require(ShuffleClips is >= 1 and <= 100_000, OptionErrors.Join(path, "shuffleClips"), $"must be in 1..100000, got {ShuffleClips}");
        e.Require(CheckpointEverySteps >= 0, OptionErrors.Join(path, "checkpointEverySteps"), $"must be 0 (off) or more, got {CheckpointEverySteps}");
        e.Require(!string.IsNullOrWhiteSpace(CheckpointDir), OptionErrors.Join(path, "checkpointDir"), "must not be empty");
    }

    private static void Positive(OptionErrors e, string path, double value, bool allowZero) =>
        e.Require(double.IsFinite(value) && (value > 0 || (allowZero && value == 0)), path,
            $"must be {(allowZero ? ">= 0" : "> 0")}, got {OptionErrors.Show(value)}");
}
