using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// CoTracker3 offline (the <c>scaled_offline</c> architecture): stride-4 <see cref="BasicEncoder"/> (<c>fnet</c>),
/// 4-level correlation pyramid of radius 3 fed through <c>corr_mlp</c> (49·49 → 384 → 256, exact GELU), and the
/// <see cref="EfficientUpdateFormer"/>; window 60, model resolution 384×512. The module tree's state-dict names and
/// shapes equal the official checkpoint's (golden <c>cotracker3/keys.json</c>).
/// WIP: the forward pass is not ported yet; see docs/cotracker3-wip.md.
/// </summary>
public sealed class CoTrackerThreeOffline : nn.Module
{
    /// <summary>Feature stride of the encoder.</summary>
    public const int Stride = 4;

    /// <summary>Correlation radius (7×7 windows).</summary>
    public const int CorrRadius = 3;

    /// <summary>Correlation pyramid levels.</summary>
    public const int CorrLevels = 4;

    /// <summary>Encoder output width.</summary>
    public const int LatentDim = 128;

    /// <summary>Update-transformer input width: 2 (vis, conf) + 4·256 correlation embeddings + 84 posenc.</summary>
    public const int InputDim = 1110;

    /// <summary>Model input height.</summary>
    public const int ModelHeight = 384;

    /// <summary>Model input width.</summary>
    public const int ModelWidth = 512;

    private readonly BasicEncoder fnet;
    private readonly EfficientUpdateFormer updateformer;
    private readonly CoTrackerMlp corr_mlp;

    /// <summary>Builds the model with random conv/linear init and the deterministic time embedding.</summary>
    /// <param name="windowLen">Length of the time embedding (60 for the offline model).</param>
    public CoTrackerThreeOffline(int windowLen = 60) : base(nameof(CoTrackerThreeOffline))
    {
        WindowLen = windowLen;
        fnet = new BasicEncoder(3, LatentDim, Stride);
        updateformer = new EfficientUpdateFormer(3, 3, InputDim, 384, 8, 4, 4.0, 64);
        int side = 2 * CorrRadius + 1;
        corr_mlp = new CoTrackerMlp(side * side * side * side, 384, 256, tanhGelu: false);
        RegisterComponents();
        register_buffer("time_emb", SinCosTimeEmbedding(InputDim, windowLen));
    }

    /// <summary>Frames the time embedding covers.</summary>
    public int WindowLen { get; }

    /// <summary>The feature encoder.</summary>
    public BasicEncoder Fnet => fnet;

    /// <summary>The update transformer.</summary>
    public EfficientUpdateFormer UpdateFormer => updateformer;

    /// <summary>The correlation MLP.</summary>
    public CoTrackerMlp CorrMlp => corr_mlp;

    /// <summary>Maps 0–255 pixel values to the model's input range: <c>2·(v/255) − 1</c>, in that order.</summary>
    /// <param name="video">Pixels, any shape, float.</param>
    public static Tensor NormalizeVideo(Tensor video)
    {
        using var scaled = video / 255.0;
        using var doubled = 2 * scaled;
        return doubled - 1.0;
    }

    /// <summary>
    /// Encoder features of a video already in [−1, 1]: <c>fnet</c> on every frame, then L2-normalised over the
    /// channel axis (norm clamped at 1e-12 before the square root, as the reference): [B, T, 128, H/4, W/4].
    /// </summary>
    /// <param name="video">[B, T, 3, H, W], H and W multiples of 4.</param>
    public Tensor EncodeFrames(Tensor video)
    {
        long b = video.shape[0], t = video.shape[1], c = video.shape[2], h = video.shape[3], w = video.shape[4];
        if (h % Stride != 0 || w % Stride != 0)
            throw new ArgumentException($"frame size {w}×{h} is not a multiple of {Stride}", nameof(video));
        using var scope = NewDisposeScope();
        var f = fnet.forward(video.reshape(b * t, c, h, w));
        var sq = f.square().sum(dim: 1, keepdim: true);
        var norm = torch.maximum(sq, torch.tensor(1e-12f, device: sq.device)).sqrt();
        var fmaps = (f / norm).reshape(b, t, LatentDim, h / Stride, w / Stride);
        return fmaps.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>get_1d_sincos_pos_embed_from_grid(dim, linspace(0, n−1, n))</c>: [1, n, dim], sin half then cos half,
    /// frequencies 1/10000^(i/(dim/2)), computed in float64 and cast to float32.
    /// </summary>
    /// <param name="dim">Embedding width (even).</param>
    /// <param name="n">Number of positions.</param>
    public static Tensor SinCosTimeEmbedding(int dim, int n)
    {
        if (dim % 2 != 0)
            throw new ArgumentException("embedding width must be even", nameof(dim));
        using var scope = NewDisposeScope();
        var omega = torch.arange(dim / 2, dtype: ScalarType.Float64) / (dim / 2.0);
        omega = 1.0 / torch.pow(10000.0, omega);
        var pos = torch.linspace(0, n - 1, n, dtype: ScalarType.Float32).to(ScalarType.Float64);
        var outer = pos.unsqueeze(1) * omega.unsqueeze(0);
        var emb = torch.cat(new[] { outer.sin(), outer.cos() }, dim: 1);
        return emb.unsqueeze(0).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
