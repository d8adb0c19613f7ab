using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Train.Persist;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Train;

[Collection(TorchGlobalState.Name)]
public sealed class CheckpointResumeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public CheckpointResumeTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Step_three_after_resume_equals_the_uninterrupted_run()
    {
        using var b1 = TrainKit.Batch(11);
        using var b2 = TrainKit.Batch(12);
        using var b3 = TrainKit.Batch(13);

        TrainStepResult straight;
        List<Tensor> straightParams;
        using (var trainer = new MosicTrainer(TrainKit.Options(totalSteps: 5), device: CPU))
        {
            trainer.Step(b1);
            trainer.Step(b2);
            straight = trainer.Step(b3);
            straightParams = AllParameters(trainer);
        }

        string path = _dir.File("ckpt/step-2.safetensors");
        using (var first = new MosicTrainer(TrainKit.Options(totalSteps: 5), device: CPU))
        {
            first.Step(b1);
            first.Step(b2);
            TrainCheckpoint.Save(first, path, new TrainPosition(2, 0, 2, 42));
        }
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*"));

        // A differently seeded trainer: everything that matters must come from the file.
        using var resumed = new MosicTrainer(TrainKit.Options(totalSteps: 5) with { Seed = 99 }, device: CPU);
        TrainPosition position = TrainCheckpoint.Resume(resumed, path);
        Assert.Equal(new TrainPosition(2, 0, 2, 42), position);
        Assert.Equal(position, TrainCheckpoint.ReadPosition(path));
        Assert.Equal(2, resumed.StepsTaken);
        TrainStepResult again = resumed.Step(b3);

        Assert.Equal(straight, again);
        var resumedParams = AllParameters(resumed);
        Assert.Equal(straightParams.Count, resumedParams.Count);
        for (int i = 0; i < straightParams.Count; i++)
            Assert.True(TrainKit.Same(straightParams[i], resumedParams[i]), $"parameter {i} differs after resume");
    }

    [Fact]
    public void Resume_refuses_another_schedule()
    {
        string path = _dir.File("a.safetensors");
        using (var t = new MosicTrainer(TrainKit.Options(totalSteps: 5), device: CPU))
            TrainCheckpoint.Save(t, path, new TrainPosition(0, 0, 0, 1));
        using var other = new MosicTrainer(TrainKit.Options(totalSteps: 6), device: CPU);
        var e = Assert.Throws<InvalidDataException>(() => TrainCheckpoint.Resume(other, path));
        Assert.Contains("over 5 steps", e.Message);
    }

    private static List<Tensor> AllParameters(MosicTrainer t) =>
        t.Student.parameters().Concat(t.StudentHead.parameters()).Concat(t.StudentPrototypes.parameters())
            .Concat(t.Teacher.parameters()).Concat(t.TeacherHead.parameters()).Concat(t.TeacherPrototypes.parameters())
            .Concat(t.Optimizer.State().Select(s => s.Tensor))
            .Select(p => p.detach().clone()).ToList();
}
