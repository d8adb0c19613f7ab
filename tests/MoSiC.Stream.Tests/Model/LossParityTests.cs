using MoSiC.Stream.Model.Objective;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model;

/// <summary>
/// Loss values and gradients against mosic/loss.safetensors (golden README §3.4-3.5: losses rtol 1e-5,
/// gradients atol 1e-6, hard labels exact).
/// </summary>
public class LossParityTests(ITestOutputHelper output)
{
    private const double LossRtol = 1e-5;
    private const double GradAtol = 1e-6;

    [SkippableTheory]
    [InlineData("hard", LossDirection.Reference, TargetKind.Hard, false, "dataset_q")]
    [InlineData("hard_symmetric", LossDirection.Symmetric, TargetKind.Hard, false, "dataset_q")]
    [InlineData("soft", LossDirection.Reference, TargetKind.Soft, false, "dataset_q")]
    [InlineData("soft_symmetric", LossDirection.Symmetric, TargetKind.Soft, false, "dataset_q")]
    [InlineData("hard_masked", LossDirection.Reference, TargetKind.Hard, true, "dataset_q")]
    [InlineData("hard_symmetric_masked", LossDirection.Symmetric, TargetKind.Hard, true, "dataset_q")]
    [InlineData("soft_masked", LossDirection.Reference, TargetKind.Soft, true, "dataset_q")]
    [InlineData("hard_selfq", LossDirection.Reference, TargetKind.Hard, false, "dataset_q_selfq")]
    public void ValueAndGradientMatchReference(string variant, LossDirection direction, TargetKind targets, bool masked, string qKey)
    {
        var file = GoldenFiles.OpenMosic("loss.safetensors");
        using var scope = NewDisposeScope();
        Tensor student = file.Load("student_scores").requires_grad_(true);
        Tensor q = file.Load(qKey);
        Tensor visibility = file.Load("visibility");
        Tensor? mask = masked ? file.Load("mask") : null;
        var options = new ObjectiveOptions { Direction = direction, Targets = targets };

        Tensor loss = ClusteringLoss.Compute(student, q, visibility, options, mask);
        loss.backward();

        float expected = file.Load("loss_" + variant).item<float>();
        float actual = loss.item<float>();
        Assert.True(Math.Abs(actual - expected) <= LossRtol * Math.Abs(expected), $"loss_{variant}: {actual} vs golden {expected}");
        double gradErr = GoldenFiles.MaxAbsDiff(student.grad!, file.Load("grad_student_scores_" + variant));
        output.WriteLine($"{variant}: loss {actual} vs {expected} (rel {Math.Abs(actual - expected) / Math.Abs(expected):E2}), grad max abs error {gradErr:E2}");
        Assert.True(gradErr <= GradAtol, $"grad_{variant}: max abs error {gradErr:E2} > {GradAtol:E0}");
    }

    [SkippableTheory]
    [InlineData("teacher_scores", "dataset_q", "hard_labels")]
    [InlineData("student_scores", "dataset_q_selfq", "hard_labels_selfq")]
    public void SinkhornOnScoresGivesTheStoredAssignmentsAndLabels(string scoresKey, string qKey, string labelsKey)
    {
        var file = GoldenFiles.OpenMosic("loss.safetensors");
        using var scope = NewDisposeScope();
        Tensor scores = file.Load(scoresKey);
        Tensor q = SinkhornKnopp.Assign(scores.reshape(-1, scores.shape[^1]), 0.05, 10).reshape(scores.shape);
        Assert.True(GoldenFiles.MaxAbsDiff(q, file.Load(qKey)) <= 2e-6);
        Assert.Equal(file.Load(labelsKey).data<long>().ToArray(), q.argmax(-1).data<long>().ToArray());
    }
}
