using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Train.Persist;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Train;

/// <summary>
/// A copy of a real resume checkpoint with one edit: each ends as a specific message before anything is restored,
/// where they once overflowed, aborted natively, trained past the end forever, or resumed silently with a wrong model.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class ResumeValidationTests : IDisposable
{
    private readonly TempDir _dir = new();

    public ResumeValidationTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    /// <summary>(what to edit, the new value, what the message must say): metadata by key, tensors by name (a shape or a dtype).</summary>
    public static TheoryData<string, string, string> Edits => new()
    {
        { "step", "99999999999999999999", "not a 64-bit integer" },
        { "step", "5", "step 5 is past the schedule's 4" },
        { "step", "-1", "out of range" },
        { "epoch", "-5", "out of range" },
        { "epoch", "3", "epoch 3 is past the schedule's 2" },
        { "next_batch", "7", "batch 7 of epoch 1 is outside an epoch of 2 steps" },
        { "epoch", "", "not a 64-bit integer" },
        { "tensor:rng.torch", "10", "'rng.torch' is Byte [10]" },
        { "tensor:student.cls_token", "1", "'student.cls_token' is Float32 [1]" },
        { "dtype:teacher.cls_token", "", "'teacher.cls_token' is Float64" },
        { "drop:optim.exp_avg.", "", "is missing" },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void An_edited_checkpoint_is_refused_before_anything_is_restored(string what, string value, string says)
    {
        string path = _dir.File("epoch-0001.ckpt.safetensors");
        using (var trainer = new MosicTrainer(TrainKit.Options(totalSteps: 4), device: CPU))
        {
            using var batch = TrainKit.Batch(3);
            trainer.Step(batch);
            trainer.Step(batch);
            TrainCheckpoint.Save(trainer, path, new TrainPosition(2, 1, 0, 42));
        }

        Edit(path, what, value);
        using var fresh = new MosicTrainer(TrainKit.Options(totalSteps: 4) with { Seed = 7 }, device: CPU);
        using Tensor before = fresh.Student.named_parameters().First().parameter.detach().clone();
        var e = Assert.Throws<InvalidDataException>(() => TrainCheckpoint.Resume(fresh, path, epochs: 2));
        Assert.Contains(path, e.Message);
        Assert.Contains(says, e.Message);
        Assert.Equal(0, fresh.StepsTaken);
        Assert.True(TrainKit.Same(before, fresh.Student.named_parameters().First().parameter), "a refused checkpoint changed the trainer");
    }

    /// <summary>Rewrites <paramref name="path"/> with one edit, as someone with a text editor and safetensors would.</summary>
    private static void Edit(string path, string what, string value)
    {
        var meta = SafetensorsReader.ReadMetadata(path).ToDictionary();
        using StateDict state = SafetensorsReader.Read(path);
        var tensors = state.Names.Select(n => (Name: n, Tensor: state[n])).ToList();
        var made = new List<Tensor>();
        string[] parts = what.Split(':');
        if (parts.Length == 1) meta[what] = value;
        else
        {
            int i = tensors.FindIndex(t => parts[0] == "drop" ? t.Name.StartsWith(parts[1], StringComparison.Ordinal) : t.Name == parts[1]);
            Assert.True(i >= 0, $"no tensor {parts[1]}");
            if (parts[0] == "drop") tensors.RemoveAt(i);
            else
            {
                Tensor replaced = parts[0] == "dtype" ? tensors[i].Tensor.to(ScalarType.Float64) : zeros(long.Parse(value), dtype: tensors[i].Tensor.dtype);
                made.Add(replaced);
                tensors[i] = (tensors[i].Name, replaced);
            }
        }

        SafetensorsWriter.Write(path, tensors, meta);
        made.ForEach(t => t.Dispose());
    }
}
