using MoSiC.Stream.Model.Vit;

namespace MoSiC.Stream.Bench.Gpu;

/// <summary>
/// The problem sizes of one GPU check: <see cref="Device"/> is the setting (issue #18: CoTracker3 at batch 1, 4, 8
/// and 16 of 12-frame 224² clips with a 32×32 grid; the trainer at vits14, 64 clips × 12 frames), <see cref="DryRun"/>
/// the same code at sizes a shared 2-core CPU finishes in about a minute (the suite runs it).
/// </summary>
internal sealed record GpuCheckSizes
{
    public required int MatmulN { get; init; }

    public required int MatmulRepeats { get; init; }

    /// <summary>Side of the ViT parity inputs (the fixture model and the trainer's backbone).</summary>
    public required int VitSize { get; init; }

    public required VitConfig TrainerModel { get; init; }

    public required int CoTrackerParityFrames { get; init; }

    public required int CoTrackerParityHeight { get; init; }

    public required int CoTrackerParityWidth { get; init; }

    public required int[] CoTrackerBatches { get; init; }

    public required int CoTrackerFrames { get; init; }

    public required int CoTrackerSize { get; init; }

    public required int CoTrackerGrid { get; init; }

    public required int CoTrackerRepeats { get; init; }

    public required int TrainerBatch { get; init; }

    public required int TrainerFrames { get; init; }

    public required int TrainerSize { get; init; }

    public required int TrainerPoints { get; init; }

    public required int TrainerSteps { get; init; }

    public required int CorpusVideos { get; init; }

    public required int CorpusFrames { get; init; }

    /// <summary><c>clips.framesPerClip</c> of the end-to-end track run (stride the same, so clips do not overlap).</summary>
    public required int TrackFramesPerClip { get; init; }

    /// <summary><c>tracker.grid</c> of the end-to-end track run.</summary>
    public required int TrackGrid { get; init; }

    public static GpuCheckSizes Device { get; } = new()
    {
        MatmulN = 8192,
        MatmulRepeats = 10,
        VitSize = 224,
        TrainerModel = VitConfig.VitS14,
        CoTrackerParityFrames = 8,
        CoTrackerParityHeight = 384,
        CoTrackerParityWidth = 512,
        CoTrackerBatches = [1, 4, 8, 16],
        CoTrackerFrames = 12,
        CoTrackerSize = 224,
        CoTrackerGrid = 32,
        CoTrackerRepeats = 3,
        TrainerBatch = 64,
        TrainerFrames = 12,
        TrainerSize = 224,
        TrainerPoints = 256,
        TrainerSteps = 3,
        CorpusVideos = 4,
        CorpusFrames = 36,
        TrackFramesPerClip = 12,
        TrackGrid = 16,
    };

    public static GpuCheckSizes DryRun { get; } = new()
    {
        MatmulN = 256,
        MatmulRepeats = 3,
        VitSize = 56,
        TrainerModel = VitConfig.Tiny,
        CoTrackerParityFrames = 3,
        CoTrackerParityHeight = 64,
        CoTrackerParityWidth = 96,
        CoTrackerBatches = [1],
        CoTrackerFrames = 2,
        CoTrackerSize = 64,
        CoTrackerGrid = 2,
        CoTrackerRepeats = 1,
        TrainerBatch = 2,
        TrainerFrames = 2,
        TrainerSize = 56,
        TrainerPoints = 16,
        TrainerSteps = 1,
        CorpusVideos = 1,
        CorpusFrames = 4,
        TrackFramesPerClip = 2,
        TrackGrid = 2,
    };
}
