using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Train.Optim;
using static TorchSharp.torch;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Model.Train;

[Collection(TorchGlobalState.Name)]
public class TrainerStepTests
{
    public TrainerStepTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(LossDirection.Reference, 2)]
    [InlineData(LossDirection.Symmetric, 1)]
    public void Gradients_reach_exactly_the_trainable_parameters(LossDirection direction, int trainable)
    {
        using var trainer = new MosicTrainer(TrainKit.Options(trainableBlocks: trainable) with { Objective = new ObjectiveOptions { Direction = direction } }, device: CPU);
        using var batch = TrainKit.Batch(1);
        trainer.Step(batch);

        int depth = TrainKit.Small.Depth;
        foreach (var (name, p) in trainer.Student.named_parameters())
        {
            bool shouldTrain = name.StartsWith("blocks.", StringComparison.Ordinal) && int.Parse(name.Split('.')[1]) >= depth - trainable;
            bool hasGrad = p.grad is not null && p.grad.abs().sum().item<float>() > 0;
            Assert.True(shouldTrain == hasGrad, $"student {name}: trainable {shouldTrain}, gradient {hasGrad}");
            Assert.Equal(shouldTrain, p.requires_grad);
        }
        foreach (var (name, p) in trainer.StudentHead.named_parameters().Concat(trainer.StudentPrototypes.named_parameters()))
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"student head/prototypes {name} has no gradient");
        foreach (var p in trainer.Teacher.parameters().Concat(trainer.TeacherHead.parameters()).Concat(trainer.TeacherPrototypes.parameters()))
        {
            Assert.False(p.requires_grad);
            Assert.Null(p.grad);
        }
    }

    [Fact]
    public void Repeating_one_batch_lowers_the_loss()
    {
        using var trainer = new MosicTrainer(TrainKit.Options(totalSteps: 1000), device: CPU);
        using var batch = TrainKit.Batch(2);
        var losses = Enumerable.Range(0, 6).Select(_ => trainer.Step(batch)).ToList();
        Assert.All(losses, r => Assert.True(double.IsFinite(r.Loss)));
        Assert.True(losses[^1].Loss < losses[0].Loss, $"loss went {string.Join(" → ", losses.Select(l => l.Loss.ToString("F4")))}");
        Assert.Equal(6, trainer.StepsTaken);
        Assert.All(losses, r => Assert.InRange(r.PrototypesUsed, 1, 8));
        Assert.All(losses, r => Assert.InRange(r.LabelEntropy, 0, Math.Log(8) + 1e-9));
    }

    [Fact]
    public void Timing_a_step_changes_nothing_and_charges_every_phase()
    {
        using var plain = new MosicTrainer(TrainKit.Options(), device: CPU);
        using var timed = new MosicTrainer(TrainKit.Options(), device: CPU);
        using var batch = TrainKit.Batch(4);
        var timings = new StepTimings();
        for (int i = 0; i < 2; i++)
        {
            TrainStepResult a = plain.Step(batch), b = timed.Step(batch, timings);
            Assert.Equal(a, b);
        }
        Assert.True(TrainKit.Same(plain.Student.named_parameters().Last().parameter, timed.Student.named_parameters().Last().parameter));
        Assert.All(Enum.GetValues<TrainPhase>(), p => Assert.True(timings[p] > TimeSpan.Zero, $"{p} got no time"));
        Assert.Equal(Enum.GetValues<TrainPhase>().Aggregate(TimeSpan.Zero, (t, p) => t + timings[p]), timings.Total);
        timings.Clear();
        Assert.Equal(TimeSpan.Zero, timings.Total);
    }

    [Fact]
    public void Teacher_starts_as_an_exact_copy_and_follows_the_ema_rule()
    {
        using var trainer = new MosicTrainer(TrainKit.Options(), device: CPU);
        foreach (var ((name, s), (_, t)) in trainer.Student.named_parameters().Zip(trainer.Teacher.named_parameters()))
            Assert.True(TrainKit.Same(s, t), $"teacher {name} differs from the student at start");

        var teacherBefore = trainer.TeacherHead.parameters().Select(p => p.detach().clone()).ToList();
        using var batch = TrainKit.Batch(3);
        trainer.Step(batch);
        // After the step: θt = m·θt_before + (1 − m)·θs_after, exactly the rule (fp32 rounding apart).
        double m = trainer.Options.EmaMomentum;
        foreach (var ((before, t), s) in teacherBefore.Zip(trainer.TeacherHead.parameters()).Zip(trainer.StudentHead.parameters()))
        {
            using var expected = before.mul(m).add(s.detach(), alpha: 1 - m);
            Assert.True(expected.allclose(t, rtol: 1e-6, atol: 1e-7));
            Assert.False(TrainKit.Same(before, t));
        }
    }

    [Fact]
    public void Ema_update_on_a_toy_module()
    {
        using var student = TorchSharp.torch.nn.Linear(2, 1);
        using var teacher = TorchSharp.torch.nn.Linear(2, 1);
        using (no_grad())
        {
            student.weight!.copy_(tensor(new float[] { 1, 2 }).reshape(1, 2));
            student.bias!.fill_(4);
            teacher.weight!.copy_(tensor(new float[] { 3, -2 }).reshape(1, 2));
            teacher.bias!.fill_(0);
        }
        EmaTeacher.Update(teacher, student, 0.75);
        Assert.Equal(new[] { 2.5f, -1f }, teacher.weight!.data<float>().ToArray());
        Assert.Equal(1f, teacher.bias!.item<float>());
        EmaTeacher.CopyFrom(teacher, student);
        Assert.True(TrainKit.Same(teacher.weight!, student.weight!));
        Assert.False(teacher.weight!.requires_grad);
    }

    [Fact]
    public void Optimizer_groups_follow_the_reference()
    {
        using var trainer = new MosicTrainer(TrainKit.Options() with { LearningRateBackbone = 1e-5, LearningRateHead = 1e-4, WeightDecay = 0.01 }, device: CPU);
        var groups = trainer.Optimizer.Groups.ToDictionary(g => g.Name);
        Assert.Equal(["backbone.decay", "backbone.no_decay", "head.decay", "head.no_decay", "prototypes"], trainer.Optimizer.Groups.Select(g => g.Name));
        Assert.Equal(1e-5, groups["backbone.decay"].LearningRate);
        Assert.Equal(1e-5, groups["backbone.no_decay"].LearningRate);
        Assert.Equal(1e-4, groups["head.decay"].LearningRate);
        Assert.Equal(1e-4, groups["prototypes"].LearningRate);
        Assert.Equal(0.01, groups["backbone.decay"].WeightDecay);
        Assert.Equal(0, groups["backbone.no_decay"].WeightDecay);
        Assert.Equal(0, groups["head.no_decay"].WeightDecay);
        Assert.Equal(0.01, groups["prototypes"].WeightDecay);
        Assert.All(groups["backbone.decay"].Parameters.Concat(groups["head.decay"].Parameters), p => Assert.True(p.Parameter.dim() >= 2, p.Name));
        Assert.All(groups["backbone.no_decay"].Parameters.Concat(groups["head.no_decay"].Parameters), p => Assert.True(p.Parameter.dim() == 1, p.Name));
        Assert.Contains(groups["backbone.no_decay"].Parameters, p => p.Name == "backbone.blocks.2.ls1.gamma");
        // Only the last two of three blocks: nothing of block 0, the embeddings or the final norm.
        var backboneNames = groups["backbone.decay"].Parameters.Concat(groups["backbone.no_decay"].Parameters).Select(p => p.Name).ToList();
        Assert.All(backboneNames, n => Assert.True(n.StartsWith("backbone.blocks.1.") || n.StartsWith("backbone.blocks.2."), n));
        Assert.Equal(trainer.Student.parameters().Count(p => p.requires_grad), backboneNames.Count);
    }

    [Fact]
    public void Cosine_schedule_runs_from_one_to_zero_without_warmup()
    {
        Assert.Equal(1.0, CosineSchedule.Factor(0, 10));
        Assert.Equal(0.5, CosineSchedule.Factor(5, 10), 12);
        Assert.Equal(0.0, CosineSchedule.Factor(10, 10));
        Assert.True(CosineSchedule.Factor(9, 10) is > 0 and < 0.05);
    }

    [Fact]
    public void AdamW_matches_the_closed_form_first_step()
    {
        // First AdamW step: p ← p·(1 − lr·wd) − lr · g / (|g| + eps) (bias corrections cancel).
        using var p = new TorchSharp.Modules.Parameter(tensor(new float[] { 1f, -2f }));
        using var opt = new DecoupledAdamW([new OptimizerGroup("g", 0.1, 0.5, [("p", p)])]);
        p.grad = tensor(new float[] { 0.5f, -3f });
        opt.Step(1.0);
        float[] got = p.data<float>().ToArray();
        Assert.Equal(1f * 0.95f - 0.1f, got[0], 5);
        Assert.Equal(-2f * 0.95f + 0.1f, got[1], 5);
    }
}
