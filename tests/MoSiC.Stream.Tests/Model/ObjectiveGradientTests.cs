using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Objective;
using static TorchSharp.torch;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Model;

[Collection(TorchGlobalState.Name)]
public class ObjectiveGradientTests
{
    public ObjectiveGradientTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(LossDirection.Reference, TargetKind.Hard)]
    [InlineData(LossDirection.Propagated, TargetKind.Soft)]
    [InlineData(LossDirection.Symmetric, TargetKind.Hard)]
    public void GradientsReachStudentHeadAndPrototypesOnly(LossDirection direction, TargetKind targets)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var studentHead = new ProjectionHead(32, 16);
        using var teacherHead = new ProjectionHead(32, 16, "teacher_head");
        using var studentProtos = new Prototypes(6, 16);
        using var teacherProtos = new Prototypes(6, 16, name: "teacher_prototypes");
        foreach (var p in teacherHead.parameters().Concat(teacherProtos.parameters())) p.requires_grad = false;

        Tensor studentPoints = randn(2, 3, 5, 32).requires_grad_(true);
        Tensor teacherPoints = randn(2, 3, 5, 32).requires_grad_(true); // would leak gradient if not detached
        Tensor visibility = ones(2, 3, 5, dtype: ScalarType.Bool);
        var options = new ObjectiveOptions { Direction = direction, Targets = targets };

        studentProtos.Renormalise();
        Tensor loss = PointClusteringObjective.Loss(studentPoints, teacherPoints, visibility,
            studentHead, studentProtos, teacherHead, teacherProtos, options);
        Assert.True(float.IsFinite(loss.item<float>()));
        loss.backward();

        foreach (var (name, p) in studentHead.named_parameters())
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"student head {name} has no gradient");
        Assert.True(studentProtos.Weight.grad is not null && studentProtos.Weight.grad.abs().sum().item<float>() > 0);
        Assert.True(studentPoints.grad is not null);
        Assert.Null(teacherPoints.grad);
        foreach (var p in teacherHead.parameters().Concat(teacherProtos.parameters())) Assert.Null(p.grad);
    }

    [Fact]
    public void ReferenceDirectionOnlyTrainsFrameZeroFeatures()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        Tensor s = randn(2, 4, 5, 6).requires_grad_(true);
        Tensor q = SinkhornKnopp.Assign(randn(40, 6), 0.05, 10).reshape(2, 4, 5, 6);
        ClusteringLoss.Compute(s, q, ones(2, 4, 5, dtype: ScalarType.Bool), new ObjectiveOptions()).backward();
        Assert.True(s.grad!.select(1, 0).abs().sum().item<float>() > 0);
        Assert.Equal(0f, s.grad!.narrow(1, 1, 3).abs().sum().item<float>());
    }

    [Fact]
    public void ReferenceLossFromFrameZeroScoresAloneEqualsTheLossFromEveryFrame()
    {
        // The trainer runs the student on frame 0 only in the reference direction: same loss, same gradient.
        using var scope = NewDisposeScope();
        manual_seed(5);
        Tensor all = randn(2, 4, 5, 6).requires_grad_(true);
        Tensor first = all.detach().narrow(1, 0, 1).clone().requires_grad_(true);
        Tensor q = SinkhornKnopp.Assign(randn(40, 6), 0.05, 10).reshape(2, 4, 5, 6);
        Tensor vis = rand(2, 4, 5).gt(0.3);
        foreach (var targets in new[] { TargetKind.Hard, TargetKind.Soft })
        {
            var options = new ObjectiveOptions { Targets = targets };
            all.grad?.zero_();
            first.grad?.zero_();
            Tensor lossAll = ClusteringLoss.Compute(all, q, vis, options);
            Tensor lossFirst = ClusteringLoss.Compute(first, q, vis, options);
            lossAll.backward();
            lossFirst.backward();
            Assert.Equal(lossAll.item<float>(), lossFirst.item<float>());
            Assert.True(all.grad!.narrow(1, 0, 1).allclose(first.grad!, rtol: 0, atol: 0));
        }
        Assert.Throws<ArgumentException>(() => ClusteringLoss.Compute(first, q, vis, new ObjectiveOptions { Direction = LossDirection.Propagated }));
    }

    [Fact]
    public void HeadHasTheReferenceShapeAndUnitOutputs()
    {
        using var scope = NewDisposeScope();
        using var head = new ProjectionHead();
        long count = head.parameters().Sum(p => p.numel());
        Assert.Equal(384L * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 512 + 512 + 512 * 256 + 256, count);
        Tensor z = head.forward(randn(7, 384));
        Assert.Equal(new long[] { 7, 256 }, z.shape);
        Assert.True(z.norm(1).sub(1).abs().max().item<float>() < 1e-5f);

        using var protos = new Prototypes();
        Assert.Equal(new long[] { 100, 256 }, protos.Weight.shape);
        using (no_grad()) protos.Weight.mul_(3);
        protos.Renormalise();
        Assert.True(protos.Weight.norm(1).sub(1).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void TokenMaskDropsTheSameCountPerClipAndZeroesThosePoints()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        Tensor keep = TokenMasking.KeepMask(3, 256, 0.1, g);
        Assert.Equal(new long[] { 3, 256 }, keep.shape);
        Assert.Equal(new long[] { 231, 231, 231 }, keep.sum(dim: 1).data<long>().ToArray());
        Tensor feats = TokenMasking.ZeroDropped(randn(3, 2, 256, 8).add(5), keep);
        // The reference drops a point when its sampled student feature is all zero; KeptAt reads the same answer
        // from the keep mask at the tracks, without the features, in both sampling modes.
        Tensor tracks = rand(new long[] { 3, 2, 40, 2 }, generator: g).mul(224);
        foreach (var sampling in new[] { new FeatureSamplingOptions(), new FeatureSamplingOptions { Mode = SamplingMode.Bilinear } })
        {
            Tensor sampled = TrackFeatureSampler.Sample(feats.reshape(3, 2, 16, 16, 8), tracks, 224, 224, sampling);
            Tensor kept = TokenMasking.KeptAt(keep, tracks, 16, 16, 224, 224, sampling);
            Assert.Equal(sampled.abs().sum(-1).ne(0).data<bool>().ToArray(), kept.data<bool>().ToArray());
            if (sampling.Mode == SamplingMode.Nearest) Assert.Contains(false, kept.data<bool>().ToArray());
        }
    }
}
