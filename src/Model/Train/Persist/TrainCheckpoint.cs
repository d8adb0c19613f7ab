using System.Globalization;
using MoSiC.Stream.Model.Checkpoints;
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

    /// <summary>
    /// Restores everything <see cref="Save"/> stored into <paramref name="trainer"/> and returns the data position. The
    /// file is checked whole before anything is restored: its format, model and schedule, a position inside that
    /// schedule (<paramref name="epochs"/> epochs, when given), the generator state, and every tensor's name, dtype
    /// and shape against the trainer's; a file that fails leaves the trainer as it was.
    /// </summary>
    /// <param name="trainer">A trainer built with the same options.</param>
    /// <param name="path">Checkpoint file.</param>
    /// <param name="epochs">The run's epochs (its total steps are spread evenly over them); null checks the step only.</param>
    /// <exception cref="InvalidDataException">Not a training checkpoint, one of another model or schedule, or one that does not fit the trainer.</exception>
    public static TrainPosition Resume(MosicTrainer trainer, string path, int? epochs = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var reader = SafetensorsReader.Open(path);
        var meta = reader.Metadata;
        if (meta.GetValueOrDefault("format") != Format)
            throw new InvalidDataException($"{path}: not a MoSiC training checkpoint (format '{meta.GetValueOrDefault("format")}')");
        if (meta.GetValueOrDefault("model") != trainer.Options.Vit.Name || Number(path, meta, "total_steps") != trainer.Options.TotalSteps)
            throw new InvalidDataException($"{path}: saved for model {meta.GetValueOrDefault("model")} over {meta.GetValueOrDefault("total_steps")} steps; this run is {trainer.Options.Vit.Name} over {trainer.Options.TotalSteps} steps");
        TrainPosition position = ReadPosition(path, meta);
        CheckSchedule(path, position, trainer.Options.TotalSteps, epochs);
        var live = Tensors(trainer).ToList();
        using (var rngNow = random.get_rng_state()) CheckFits(path, reader, live.Append(("rng.torch", rngNow)));

        using (no_grad())
        {
            foreach (var (name, tensor) in live)
            {
                using var saved = reader.Load(name);
                tensor.copy_(saved);
            }
        }
        trainer.Optimizer.StepCount = position.Step;
        using (var rng = reader.Load("rng.torch")) random.set_rng_state(rng);
        return position;
    }

    /// <summary>The data position stored in <paramref name="path"/>, without loading tensors.</summary>
    /// <param name="path">Checkpoint file.</param>
    /// <exception cref="InvalidDataException">A field is missing or not a number in range.</exception>
    public static TrainPosition ReadPosition(string path) => ReadPosition(path, SafetensorsReader.ReadMetadata(path));

    private static TrainPosition ReadPosition(string path, IReadOnlyDictionary<string, string> meta)
    {
        long step = Number(path, meta, "step");
        long epoch = Number(path, meta, "epoch"), next = Number(path, meta, "next_batch"), seed = Number(path, meta, "data_seed");
        if (step < 0 || epoch is < 0 or > int.MaxValue || next is < 0 or > int.MaxValue || seed is < int.MinValue or > int.MaxValue)
            throw new InvalidDataException($"{path}: position step {step}, epoch {epoch}, next_batch {next}, data_seed {seed} is out of range (none may be negative)");
        return new TrainPosition(step, (int)epoch, (int)next, (int)seed);
    }

    // A position is inside the schedule: no more steps than it has, an epoch from 0 to the last (the end: batch 0),
    // a batch inside the epoch, and no more steps than the batches before the position.
    private static void CheckSchedule(string path, TrainPosition p, long totalSteps, int? epochs)
    {
        long perEpoch = epochs is > 0 ? totalSteps / epochs.Value : totalSteps;
        string? why = p.Step > totalSteps ? $"step {p.Step} is past the schedule's {totalSteps}"
            : epochs is not null && p.Epoch > epochs ? $"epoch {p.Epoch} is past the schedule's {epochs}"
            : p.NextBatch > perEpoch || (p.Epoch == epochs && p.NextBatch != 0) ? $"batch {p.NextBatch} of epoch {p.Epoch} is outside an epoch of {perEpoch} steps"
            : epochs is not null && p.Step > (long)p.Epoch * perEpoch + p.NextBatch ? $"step {p.Step} is more than the {(long)p.Epoch * perEpoch + p.NextBatch} batches before epoch {p.Epoch}, batch {p.NextBatch}"
            : null;
        if (why is not null) throw new InvalidDataException($"{path}: {why}: not a position of this run");
    }

    // Every tensor the trainer restores, and the generator state, is in the file with the dtype and shape it has now.
    private static void CheckFits(string path, SafetensorsReader reader, IEnumerable<(string Name, Tensor Tensor)> live)
    {
        var problems = new List<string>();
        foreach (var (name, tensor) in live)
        {
            if (!reader.Contains(name))
            {
                problems.Add($"'{name}' is missing");
                continue;
            }

            SafetensorsEntry e = reader.Entry(name);
            if (e.DType != tensor.dtype || !e.Shape.SequenceEqual(tensor.shape))
                problems.Add($"'{name}' is {e.DType} [{string.Join(", ", e.Shape)}], the trainer's is {tensor.dtype} [{string.Join(", ", tensor.shape)}]");
        }

        if (problems.Count > 0)
            throw new InvalidDataException($"{path}: does not fit this trainer ({problems.Count} tensors): {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? "; …" : "")}");
    }

    private static long Number(string path, IReadOnlyDictionary<string, string> meta, string key) =>
        !meta.TryGetValue(key, out string? text) ? throw new InvalidDataException($"{path}: the checkpoint has no '{key}'")
            : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value
            : throw new InvalidDataException($"{path}: '{key}' is '{(text.Length > 40 ? text[..40] + "…" : text)}', not a 64-bit integer");

    /// <summary>The data-order bytes <see cref="Save"/> was given, or null when it was given none.</summary>
    /// <param name="path">Checkpoint file.</param>
    public static byte[]? ReadData(string path)
    {
        var reader = SafetensorsReader.Open(path);
        if (!reader.Contains(DataName)) return null;
        using Tensor data = reader.Load(DataName);
        return data.data<byte>().ToArray();
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
