using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Tests.Support;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Model.Train;

/// <summary>Student token masking: dropped patches skip the blocks and come back as zero; training with it still trains exactly the trainable parameters.</summary>
[Collection(TorchGlobalState.Name)]
public class StudentMaskingTests
{
    public StudentMaskingTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void A_full_keep_mask_is_the_plain_forward_and_dropped_patches_come_back_zero()
    {
        manual_seed(11);
        using var model = new DinoVisionTransformer(TrainKit.Small);
        model.eval();
        using var scope = NewDisposeScope();
        Tensor images = randn(2, 3, 56, 56);
        long patches = 16;

        VitFeatures plain = model.forward(images);
        VitFeatures all = model.forward(images, ones(2, patches, ScalarType.Bool));
        Assert.True(TrainKit.Same(plain.PatchTokens, all.PatchTokens));
        Assert.True(TrainKit.Same(plain.ClassToken, all.ClassToken));

        Tensor keep = TokenMasking.KeepMask(2, patches, 0.5);
        VitFeatures masked = model.forward(images, keep);
        Tensor dropped = keep.logical_not().unsqueeze(-1).expand_as(masked.PatchTokens);
        Assert.Equal(0f, masked.PatchTokens.masked_select(dropped).abs().sum().item<float>());
        Assert.True(masked.PatchTokens.masked_select(dropped.logical_not()).ne(0).all().item<bool>());
        // Fewer tokens to attend to: the kept patches' features change too.
        Assert.False(TrainKit.Same(plain.PatchTokens.masked_select(dropped.logical_not()), masked.PatchTokens.masked_select(dropped.logical_not())));

        Assert.Throws<ArgumentException>(() => model.forward(images, ones(2, patches - 1, ScalarType.Bool)));
        Tensor uneven = ones(2, patches, ScalarType.Bool);
        uneven[0, 0] = tensor(false);
        Assert.Throws<ArgumentException>(() => model.forward(images, uneven));
    }

    [Fact]
    public void Training_with_masking_stays_finite_and_trains_only_the_trainable_parameters()
    {
        using var trainer = new MosicTrainer(TrainKit.Options() with { StudentMaskRatio = 0.25 }, device: CPU);
        using var batch = TrainKit.Batch(1);
        TrainStepResult result = trainer.Step(batch);
        Assert.True(double.IsFinite(result.Loss));
        int depth = TrainKit.Small.Depth;
        foreach (var (name, p) in trainer.Student.named_parameters())
        {
            bool shouldTrain = name.StartsWith("blocks.", StringComparison.Ordinal) && int.Parse(name.Split('.')[1]) >= depth - 2;
            Assert.Equal(shouldTrain, p.grad is not null && p.grad.abs().sum().item<float>() > 0);
        }

        Assert.Throws<ArgumentException>(() => new MosicTrainer(TrainKit.Options() with { StudentMaskRatio = 1.0 }, device: CPU));
    }
}
