using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Train.Optim;
using MoSiC.Stream.Model.Vit;
using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Train;

/// <summary>
/// The MoSiC training step (docs/method.md §2 steps 4-9): a student ViT with projection head and prototypes, an EMA
/// teacher of all three, AdamW over the reference's parameter groups with a cosine schedule, fp32. Runs on CUDA when
/// TorchSharp sees a GPU, else on the CPU.
/// </summary>
public sealed class MosicTrainer : IDisposable
{
    /// <summary>Builds student and teacher (an exact copy), seeded by <see cref="MosicTrainerOptions.Seed"/>.</summary>
    /// <param name="options">Trainer settings; validated here.</param>
    /// <param name="device">Where the models live: the run's one device decision (<c>runtime.device</c>), never picked here.</param>
    /// <param name="initWeights">Optional backbone checkpoint (DINOv2 .pth or safetensors) loaded into the student before the copy.</param>
    public MosicTrainer(MosicTrainerOptions options, Device device, string? initWeights = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        Options = options.Validated();
        Device = device;
        // The seed fixes the initial weights; nothing later in a step draws from torch's generator.
        random.manual_seed(options.Seed);
        var vit = options.Vit;
        Student = new DinoVisionTransformer(vit);
        if (initWeights is not null) VitCheckpointLoader.Load(Student, initWeights);
        StudentHead = new ProjectionHead(vit.EmbedDim, options.ProjectionDim, "student_head");
        StudentPrototypes = new Prototypes(options.Prototypes, options.ProjectionDim, name: "student_prototypes");
        Teacher = new DinoVisionTransformer(vit);
        TeacherHead = new ProjectionHead(vit.EmbedDim, options.ProjectionDim, "teacher_head");
        TeacherPrototypes = new Prototypes(options.Prototypes, options.ProjectionDim, name: "teacher_prototypes");
        Student.to(Device);
        StudentHead.to(Device);
        StudentPrototypes.to(Device);
        Teacher.to(Device);
        TeacherHead.to(Device);
        TeacherPrototypes.to(Device);
        EmaTeacher.CopyFrom(Teacher, Student);
        EmaTeacher.CopyFrom(TeacherHead, StudentHead);
        EmaTeacher.CopyFrom(TeacherPrototypes, StudentPrototypes);
        Student.FreezeBlocks(vit.Depth - options.TrainableBlocks, freezeFinalNorm: true);
        Optimizer = new DecoupledAdamW(ParameterGroups.For(Student, StudentHead, StudentPrototypes, options));
    }

    /// <summary>The settings this trainer was built with.</summary>
    public MosicTrainerOptions Options { get; }

    /// <summary>Where the models live.</summary>
    public Device Device { get; }

    /// <summary>Student backbone (only the last <see cref="MosicTrainerOptions.TrainableBlocks"/> blocks train).</summary>
    public DinoVisionTransformer Student { get; }

    /// <summary>Student projection head.</summary>
    public ProjectionHead StudentHead { get; }

    /// <summary>Student prototypes.</summary>
    public Prototypes StudentPrototypes { get; }

    /// <summary>EMA teacher backbone (no gradients).</summary>
    public DinoVisionTransformer Teacher { get; }

    /// <summary>EMA teacher head.</summary>
    public ProjectionHead TeacherHead { get; }

    /// <summary>EMA teacher prototypes.</summary>
    public Prototypes TeacherPrototypes { get; }

    /// <summary>The optimiser (its <see cref="DecoupledAdamW.StepCount"/> is the number of steps taken).</summary>
    public DecoupledAdamW Optimizer { get; }

    /// <summary>Steps taken so far.</summary>
    public long StepsTaken => Optimizer.StepCount;

    /// <summary>Head learning rate of the next step.</summary>
    public double NextLearningRate => Options.LearningRateHead * CosineSchedule.Factor(StepsTaken, Options.TotalSteps);

    /// <summary>
    /// One optimisation step: encode every frame with the teacher and the frames the loss reads with the student (frame 0
    /// in the reference direction, every frame otherwise), sample features at the tracks, project and score, Sinkhorn
    /// over all real teacher points of the batch, the clustering loss, backward, AdamW, EMA.
    /// </summary>
    /// <param name="batch">Frames, tracks and visibility; not disposed here.</param>
    /// <param name="timings">When given, each phase's wall time is added to it (for benchmarks); null costs nothing.</param>
    public TrainStepResult Step(TrainBatch batch, StepTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.Check();
        using var scope = NewDisposeScope();
        timings?.Start(Device);
        StudentPrototypes.Renormalise();
        TeacherPrototypes.Renormalise();
        timings?.Lap(TrainPhase.Objective, Device);

        Tensor frames = batch.Frames.to(Device).to(ScalarType.Float32);
        Tensor tracks = batch.Tracks.to(Device).to(ScalarType.Float32);
        Tensor visibility = batch.Visibility.to(Device);
        Tensor? valid = batch.Valid?.to(Device);

        // Input copies are charged to the backbone forward, the phase that needs them.
        Tensor? keep = Options.StudentMaskRatio > 0
            ? TokenMasking.KeepMask(frames.shape[0], frames.shape[3] / Options.Vit.PatchSize * (frames.shape[4] / Options.Vit.PatchSize), Options.StudentMaskRatio).to(Device)
            : null;
        Tensor studentPoints = StudentPoints(frames, tracks, keep, timings);
        Tensor teacherPoints;
        using (no_grad()) teacherPoints = Points(Teacher, frames, tracks, timings);

        ObjectiveOptions objective = Options.Objective;
        Tensor studentScores = StudentPrototypes.forward(StudentHead.forward(studentPoints));
        Tensor q;
        using (no_grad())
            q = SinkhornKnopp.AssignPoints(TeacherPrototypes.forward(TeacherHead.forward(teacherPoints)), valid, objective.SinkhornEpsilon, objective.SinkhornIterations);
        // With masking, points that sample a dropped patch leave the loss, as in the reference (where their student
        // feature is all zero).
        if (keep is not null)
        {
            long gh = frames.shape[3] / Options.Vit.PatchSize, gw = frames.shape[4] / Options.Vit.PatchSize;
            visibility = visibility.logical_and(TokenMasking.KeptAt(keep, tracks, gh, gw, frames.shape[3], frames.shape[4], Options.Sampling));
        }
        Tensor loss = ClusteringLoss.Compute(studentScores, q, visibility, objective, valid: valid);
        timings?.Lap(TrainPhase.Objective, Device);

        Optimizer.ZeroGrad();
        loss.backward();
        timings?.Lap(TrainPhase.Backward, Device);
        double factor = CosineSchedule.Factor(Optimizer.StepCount, Options.TotalSteps);
        Optimizer.Step(factor);
        timings?.Lap(TrainPhase.Optimizer, Device);
        EmaTeacher.Update(Teacher, Student, Options.EmaMomentum);
        EmaTeacher.Update(TeacherHead, StudentHead, Options.EmaMomentum);
        EmaTeacher.Update(TeacherPrototypes, StudentPrototypes, Options.EmaMomentum);
        timings?.Lap(TrainPhase.Ema, Device);

        var labels = LabelStatistics.Of(q, batch.Visibility.to(Device), valid);
        var result = new TrainStepResult(Optimizer.StepCount, loss.item<float>(), Options.LearningRateHead * factor, labels.Entropy, labels.Used, labels.Consistency);
        timings?.Lap(TrainPhase.Objective, Device);
        return result;
    }

    /// <summary>Disposes models and optimiser state.</summary>
    public void Dispose()
    {
        Optimizer.Dispose();
        Student.Dispose();
        StudentHead.Dispose();
        StudentPrototypes.Dispose();
        Teacher.Dispose();
        TeacherHead.Dispose();
        TeacherPrototypes.Dispose();
    }

    // In the reference direction only the student's frame 0 enters the loss, so the student (backbone and head) runs
    // on frame 0 alone: the same loss and gradients as running every frame (docs/reference-code.md D11), at 1/T of
    // the student's cost. The other directions read the student at every frame.
    private Tensor StudentPoints(Tensor frames, Tensor tracks, Tensor? keep, StepTimings? timings) =>
        Options.Objective.Direction == LossDirection.Reference
            ? Points(Student, frames.narrow(1, 0, 1), tracks.narrow(1, 0, 1), timings, keep)
            : Points(Student, frames, tracks, timings, keep);

    // Features of every frame at its tracks: [B, T, N, D].
    private Tensor Points(DinoVisionTransformer model, Tensor frames, Tensor tracks, StepTimings? timings, Tensor? keep = null)
    {
        long b = frames.shape[0], t = frames.shape[1], h = frames.shape[3], w = frames.shape[4];
        Tensor images = frames.reshape(b * t, 3, h, w);
        // Frames are clip-major, so each clip's mask repeats over its t frames.
        VitFeatures features = keep is null ? model.forward(images) : model.forward(images, keep.repeat_interleave(t, dim: 0));
        timings?.Lap(TrainPhase.BackboneForward, Device);
        Tensor grid = features.PatchTokens.reshape(b, t, features.GridRows, features.GridCols, -1);
        Tensor points = TrackFeatureSampler.Sample(grid, tracks, h, w, Options.Sampling);
        timings?.Lap(TrainPhase.TrackSampling, Device);
        return points;
    }
}
