using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Train.Persist;
using MoSiC.Stream.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Train;

/// <summary>
/// Seeded fuzzing of resume checkpoints (issue #19, item 6): a real training checkpoint with its header mutated (where
/// the position, the schedule and every tensor's dtype and shape are), read back by <see cref="TrainCheckpoint"/>.
/// Every case resumes or ends as an <see cref="InvalidDataException"/>, and a refused one leaves the trainer as it was.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class ResumeFuzzTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TempDir _dir = new();

    public ResumeFuzzTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureLoaded();
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Resume_checkpoints()
    {
        string honest = _dir.File("epoch-0001.ckpt.safetensors");
        using (var trainer = new MosicTrainer(TrainKit.Options(totalSteps: 4), device: CPU))
        {
            using var batch = TrainKit.Batch(3);
            trainer.Step(batch);
            trainer.Step(batch);
            TrainCheckpoint.Save(trainer, honest, new TrainPosition(2, 1, 0, 42));
        }

        byte[] bytes = File.ReadAllBytes(honest);
        int headerEnd = 8 + (int)BitConverter.ToUInt64(bytes, 0);
        string target = _dir.File("case.ckpt.safetensors");
        using var fresh = new MosicTrainer(TrainKit.Options(totalSteps: 4) with { Seed = 7 }, device: CPU);
        await Fuzz.RunAsync(_output, "resume checkpoint", Fuzz.Cases(150), (random, _) =>
        {
            byte[] header = Fuzz.Mutate(bytes[..headerEnd], random);
            File.WriteAllBytes(target, [.. header, .. bytes[headerEnd..]]);
            long before = fresh.StepsTaken;
            try
            {
                TrainCheckpoint.ReadPosition(target);
                TrainPosition position = TrainCheckpoint.Resume(fresh, target, epochs: 2);
                return Task.FromResult($"resumed at step {position.Step}");
            }
            catch (InvalidDataException e)
            {
                Assert.Equal(before, fresh.StepsTaken);
                return Task.FromResult(Fuzz.Label(e));
            }
        });
    }
}
