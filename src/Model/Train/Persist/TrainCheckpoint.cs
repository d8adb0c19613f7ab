using System.Globalization;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Train.Persist;

/// <summary>
/// A complete training state in one safetensors file: student and teacher backbones, heads and prototypes, the AdamW
/// moments and step, torch's CPU generator state, and the data position (metadata). Written atomically.
/// </summary>
/// <remarks>
/// The learning rate is a closed-form function of the step (<see cref="Optim.CosineSchedule"/>) and the data order and
/// augmentation come from generators derived from the seed and position, so nothing else is needed to continue
/// exactly where the run stopped.
/// </remarks>
public static class TrainCheckpoint
{
    private const string Format = "mosic-train-v1";
    private const string DataName = "data.state";

    /// <summary>Saves <paramref name="trainer"/> at <paramref name="position"/> to <paramref name="path"/>.</summary>
    /// <param name="trainer">The trainer to save.</param>
    /// <param name="path">Target file; replaced atomically.</param>
    /// <param name="position">Data position after the last step taken.</param>
    /// <param name="data">Opaque data-order state the caller needs to continue (e.g. which clips a streamed epoch has seen); stored as bytes.</param>
    public static void Save(MosicTrainer trainer, string path, TrainPosition position, byte[]? data = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(position);
        if (position.Step != trainer.StepsTaken)
            throw new ArgumentException($"position step {position.Step} differs from the trainer's {trainer.StepsTaken}");
        using var rng = random.get_rng_state();
        var tensors = Tensors(trainer).Append(("rng.torch", rng)).ToList();
        using Tensor? state = data is null ? null : tensor(data, ScalarType.Byte);
        if (state is not null) tensors.Add((DataName, state));
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["model"] = trainer.Options.Vit.Name,
            ["total_steps"] = Show(trainer.Options.TotalSteps),
            ["step"] = Show(position.Step),
            ["epoch"] = Show(position.Epoch),
            ["next_batch"] = Show(position.NextBatch),
            ["data_seed"] = Show(position.DataSeed),
            ["init_seed"] = Show(trainer.Options.Seed),
        };
        SafetensorsWriter.Write(path, tensors, meta);
    }

    /// <summary>Restores everything <see cref="Save"/> stored into <paramref name="trainer"/> and returns the data position.</summary>
    /// <param name="trainer">A trainer built with the same options.</param>
    /// <param name="path">Checkpoint file.</param>
    /// <exception cref="InvalidDataException">Not a training checkpoint, or one of another model or schedule.</exception>
    public static TrainPosition Resume(MosicTrainer trainer, string path)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var reader = SafetensorsReader.Open(path);
        var meta = reader.Metadata;
        if (meta.GetValueOrDefault("format") != Format)
            throw new InvalidDataException($"{path}: not a MoSiC training checkpoint (format '{meta.GetValueOrDefault("format")}')");
        if (meta["model"] != trainer.Options.Vit.Name || long.Parse(meta["total_steps"], CultureInfo.InvariantCulture) != trainer.Options.TotalSteps)
            throw new InvalidDataException($"{path}: saved for model {meta["model"]} over {meta["total_steps"]} steps; this run is {trainer.Options.Vit.Name} over {trainer.Options.TotalSteps} steps");
        long step = long.Parse(meta["step"], CultureInfo.InvariantCulture);
        using (no_grad())
        {
            foreach (var (name, tensor) in Tensors(trainer))
            {
                using var saved = reader.Load(name);
                tensor.copy_(saved);
            }
        }
        trainer.Optimizer.StepCount = step;
        using (var rng = reader.Load("rng.torch")) random.set_rng_state(rng);
        return new TrainPosition(step, int.Parse(meta["epoch"], CultureInfo.InvariantCulture),
            int.Parse(meta["next_batch"], CultureInfo.InvariantCulture), int.Parse(meta["data_seed"], CultureInfo.InvariantCulture));
    }

    /// <summary>The data position stored in <paramref name="path"/>, without loading tensors.</summary>
    /// <param name="path">Checkpoint file.</param>
    public static TrainPosition ReadPosition(string path)
    {
        var meta = SafetensorsReader.ReadMetadata(path);
        return new TrainPosition(long.Parse(meta["step"], CultureInfo.InvariantCulture), int.Parse(meta["epoch"], CultureInfo.InvariantCulture),
            int.Parse(meta["next_batch"], CultureInfo.InvariantCulture), int.Parse(meta["data_seed"], CultureInfo.InvariantCulture));
    }

    /// <summary>The data-order bytes <see cref="Save"/> was given, or null when it was given none.</summary>
    /// <param name="path">Checkpoint file.</param>
    public static byte[]? ReadData(string path)
    {
        var reader = SafetensorsReader.Open(path);
        if (!reader.Contains(DataName)) return null;
        using Tensor data = reader.Load(DataName);
        return data.data<byte>().ToArray();
    }

    /// <summary>
    /// The EMA teacher a checkpoint holds (backbone, projection head, prototypes), rebuilt from the file alone: the model
    /// name from its metadata, the positional grid, projection width and prototype count from the stored shapes.
    /// </summary>
    /// <param name="path">Checkpoint file.</param>
    /// <exception cref="InvalidDataException">Not a training checkpoint.</exception>
    public static (DinoVisionTransformer Backbone, ProjectionHead Head, Prototypes Prototypes) LoadTeacher(string path)
    {
        var reader = SafetensorsReader.Open(path);
        if (reader.Metadata.GetValueOrDefault("format") != Format)
            throw new InvalidDataException($"{path}: not a MoSiC training checkpoint (format '{reader.Metadata.GetValueOrDefault("format")}'); the teacher's head and prototypes are only in training checkpoints");
        VitConfig vit = VitConfig.FromName(reader.Metadata["model"]);
        long[] posEmbed = reader.Entry("teacher.pos_embed").Shape, prototypes = reader.Entry("teacher_prototypes.weight").Shape;
        int grid = (int)Math.Round(Math.Sqrt(posEmbed[1] - 1));
        var backbone = new DinoVisionTransformer(vit with { ImageSize = grid * vit.PatchSize });
        var head = new ProjectionHead(vit.EmbedDim, (int)prototypes[1], "teacher_head");
        var protos = new Prototypes((int)prototypes[0], (int)prototypes[1], name: "teacher_prototypes");
        using (no_grad())
        {
            foreach (var (prefix, module) in new (string, nn.Module)[] { ("teacher.", backbone), ("teacher_head.", head), ("teacher_prototypes.", protos) })
                foreach (var (name, tensor) in Named(prefix, module))
                {
                    using var saved = reader.Load(name);
                    tensor.copy_(saved);
                }
        }
        backbone.eval();
        head.eval();
        return (backbone, head, protos);
    }

    // Live tensors, by checkpoint name: every parameter of the six modules and the optimiser moments.
    private static IEnumerable<(string Name, Tensor Tensor)> Tensors(MosicTrainer t) =>
        Named("student.", t.Student).Concat(Named("student_head.", t.StudentHead)).Concat(Named("student_prototypes.", t.StudentPrototypes))
            .Concat(Named("teacher.", t.Teacher)).Concat(Named("teacher_head.", t.TeacherHead)).Concat(Named("teacher_prototypes.", t.TeacherPrototypes))
            .Concat(t.Optimizer.State().Select(s => ("optim." + s.Name, s.Tensor)));

    private static IEnumerable<(string, Tensor)> Named(string prefix, nn.Module module) =>
        module.named_parameters().Select(p => (prefix + p.name, (Tensor)p.parameter));

    private static string Show(long value) => value.ToString(CultureInfo.InvariantCulture);
}
