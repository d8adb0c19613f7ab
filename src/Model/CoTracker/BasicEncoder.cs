using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// CoTracker's residual block with instance norm (no affine, no running stats, eps 1e-5): two 3×3 convs, and a 1×1
/// strided conv + instance norm on the skip path when the stride is not 1.
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly InstanceNorm2d norm1;
    private readonly InstanceNorm2d norm2;
    private readonly Sequential? downsample;

    /// <summary>Builds the block.</summary>
    /// <param name="inPlanes">Input channels.</param>
    /// <param name="planes">Output channels.</param>
    /// <param name="stride">Stride of the first conv (and of the skip path's 1×1 conv).</param>
    public ResidualBlock(long inPlanes, long planes, long stride) : base(nameof(ResidualBlock))
    {
        conv1 = nn.Conv2d(inPlanes, planes, kernel_size: 3, stride: stride, padding: 1);
        conv2 = nn.Conv2d(planes, planes, kernel_size: 3, padding: 1);
        norm1 = nn.InstanceNorm2d(planes);
        norm2 = nn.InstanceNorm2d(planes);
        if (stride != 1)
            downsample = nn.Sequential(nn.Conv2d(inPlanes, planes, kernel_size: 1, stride: stride), nn.InstanceNorm2d(planes));
        RegisterComponents();
    }

    /// <summary>relu(skip(x) + relu(norm2(conv2(relu(norm1(conv1(x))))))).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(norm1.forward(conv1.forward(x)));
        y = nn.functional.relu(norm2.forward(conv2.forward(y)));
        var skip = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(skip + y).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// CoTracker's <c>BasicEncoder</c> (the <c>fnet</c>): a stride-2 7×7 conv, four residual stages (strides 1, 2, 2, 2),
/// every stage output resized bilinearly (align_corners) to H/stride × W/stride, concatenated, then a 3×3 conv +
/// instance norm + relu and a 1×1 conv to <c>outputDim</c> channels. Output is not L2-normalised.
/// </summary>
public sealed class BasicEncoder : nn.Module<Tensor, Tensor>
{
    private readonly InstanceNorm2d norm1;
    private readonly InstanceNorm2d norm2;
    private readonly Conv2d conv1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly int _stride;

    /// <summary>Builds the encoder (CoTracker3: input 3, output 128, stride 4).</summary>
    /// <param name="inputDim">Input channels.</param>
    /// <param name="outputDim">Output channels (the latent dim).</param>
    /// <param name="stride">Output stride relative to the input.</param>
    public BasicEncoder(int inputDim = 3, int outputDim = 128, int stride = 4) : base(nameof(BasicEncoder))
    {
        _stride = stride;
        long inPlanes = outputDim / 2;
        norm1 = nn.InstanceNorm2d(inPlanes);
        norm2 = nn.InstanceNorm2d(outputDim * 2);
        conv1 = nn.Conv2d(inputDim, inPlanes, kernel_size: 7, stride: 2, padding: 3);
        layer1 = MakeLayer(ref inPlanes, outputDim / 2, 1);
        layer2 = MakeLayer(ref inPlanes, outputDim / 4 * 3, 2);
        layer3 = MakeLayer(ref inPlanes, outputDim, 2);
        layer4 = MakeLayer(ref inPlanes, outputDim, 2);
        conv2 = nn.Conv2d(outputDim * 3 + outputDim / 4, outputDim * 2, kernel_size: 3, padding: 1);
        conv3 = nn.Conv2d(outputDim * 2, outputDim, kernel_size: 1);
        RegisterComponents();
    }

    private static Sequential MakeLayer(ref long inPlanes, long dim, long stride)
    {
        var seq = nn.Sequential(new ResidualBlock(inPlanes, dim, stride), new ResidualBlock(dim, dim, 1));
        inPlanes = dim;
        return seq;
    }

    /// <summary>Features [B, outputDim, H/stride, W/stride] of images [B, inputDim, H, W] (already scaled to [−1, 1]).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long h = x.shape[2] / _stride, w = x.shape[3] / _stride;
        var y = nn.functional.relu(norm1.forward(conv1.forward(x)));
        var a = layer1.forward(y);
        var b = layer2.forward(a);
        var c = layer3.forward(b);
        var d = layer4.forward(c);
        Tensor Resize(Tensor t) => nn.functional.interpolate(t, new[] { h, w }, mode: InterpolationMode.Bilinear, align_corners: true);
        var cat = torch.cat(new[] { Resize(a), Resize(b), Resize(c), Resize(d) }, dim: 1);
        var z = nn.functional.relu(norm2.forward(conv2.forward(cat)));
        return conv3.forward(z).MoveToOuterDisposeScope();
    }
}
