namespace MoSiC.Stream.Model.Vit;

/// <summary>
/// Architecture of a DINOv2-style Vision Transformer. Immutable; <see cref="Validate"/> runs when a model is built.
/// </summary>
/// <param name="Name">Short name used in messages and by <see cref="FromName"/>.</param>
/// <param name="EmbedDim">Token width D (384 for ViT-S, 768 for ViT-B).</param>
/// <param name="Depth">Number of transformer blocks.</param>
/// <param name="NumHeads">Attention heads; must divide <paramref name="EmbedDim"/>.</param>
/// <param name="PatchSize">Square patch side in pixels (14 for DINOv2).</param>
/// <param name="ImageSize">Image side the positional grid was trained for: 518 gives the official 37×37 grid, 224 the
/// 16×16 grid of timm/MoSiC checkpoints.</param>
/// <param name="MlpRatio">Hidden width of the MLP as a multiple of <paramref name="EmbedDim"/>.</param>
/// <param name="RegisterTokens">Number of register tokens (0, or 4 for the <c>_reg4</c> models).</param>
/// <param name="InterpolateAntialias">Whether the runtime positional-embedding resize antialiases (true for reg4).</param>
/// <param name="InterpolateOffset">Offset added to the target grid before computing the resize scale factor; 0 resizes
/// to the exact size (0.1 for the base DINOv2 models, 0 for reg4).</param>
/// <param name="LayerNormEps">Epsilon of every LayerNorm (1e-6 in DINOv2; PyTorch's default 1e-5 is measurably off).</param>
/// <param name="LayerScaleInit">Initial LayerScale gamma for freshly built models (DINOv2 hub uses 1.0).</param>
public sealed record VitConfig(
    string Name,
    int EmbedDim,
    int Depth,
    int NumHeads,
    int PatchSize = 14,
    int ImageSize = 518,
    double MlpRatio = 4.0,
    int RegisterTokens = 0,
    bool InterpolateAntialias = false,
    double InterpolateOffset = 0.1,
    double LayerNormEps = 1e-6,
    double LayerScaleInit = 1.0)
{
    /// <summary>Small model for CPU tests and the sample pipeline: D 192, 4 blocks, 3 heads, 224 input (16×16 grid).</summary>
    public static VitConfig Tiny { get; } = new("tiny", 192, 4, 3, ImageSize: 224);

    /// <summary>The golden fixtures' model (<c>dinov2/</c>): ViT-S/14 code path with D 96, 2 blocks, 3 heads.</summary>
    public static VitConfig Fixture { get; } = new("fixture", 96, 2, 3);

    /// <summary>The golden fixtures' register model (<c>dinov2_reg4/</c>).</summary>
    public static VitConfig FixtureReg4 { get; } = Reg4(Fixture, "fixture_reg4");

    /// <summary>DINOv2 ViT-S/14 (<c>dinov2_vits14_pretrain.pth</c>).</summary>
    public static VitConfig VitS14 { get; } = new("vits14", 384, 12, 6);

    /// <summary>DINOv2 ViT-B/14 (<c>dinov2_vitb14_pretrain.pth</c>).</summary>
    public static VitConfig VitB14 { get; } = new("vitb14", 768, 12, 12);

    /// <summary>DINOv2 ViT-S/14 with 4 registers (<c>dinov2_vits14_reg4_pretrain.pth</c>).</summary>
    public static VitConfig VitS14Reg4 { get; } = Reg4(VitS14, "vits14_reg4");

    /// <summary>DINOv2 ViT-B/14 with 4 registers (<c>dinov2_vitb14_reg4_pretrain.pth</c>).</summary>
    public static VitConfig VitB14Reg4 { get; } = Reg4(VitB14, "vitb14_reg4");

    /// <summary>Every named configuration, by <see cref="Name"/>.</summary>
    public static IReadOnlyList<VitConfig> All { get; } = [Tiny, Fixture, FixtureReg4, VitS14, VitB14, VitS14Reg4, VitB14Reg4];

    /// <summary>Patches per side of the trained positional grid.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Prefix tokens ahead of the patch tokens: the class token and the registers.</summary>
    public int PrefixTokens => 1 + RegisterTokens;

    /// <summary>Width of each attention head.</summary>
    public int HeadDim => EmbedDim / NumHeads;

    /// <summary>Hidden width of each block's MLP.</summary>
    public int MlpHidden => (int)(EmbedDim * MlpRatio);

    /// <summary>Looks up a named configuration (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No configuration has that name.</exception>
    public static VitConfig FromName(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"unknown ViT config '{name}'; known: {string.Join(", ", All.Select(c => c.Name))}", nameof(name));

    /// <summary>Checks every field; the message names the offending field.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public VitConfig Validate()
    {
        Require(EmbedDim > 0, $"vit.embedDim must be > 0, got {EmbedDim}");
        Require(Depth >= 0, $"vit.depth must be >= 0, got {Depth}");
        Require(NumHeads > 0 && EmbedDim % NumHeads == 0,
            $"vit.numHeads must be > 0 and divide embedDim {EmbedDim}, got {NumHeads}");
        Require(PatchSize > 0, $"vit.patchSize must be > 0, got {PatchSize}");
        Require(ImageSize >= PatchSize && ImageSize % PatchSize == 0,
            $"vit.imageSize must be a positive multiple of patchSize {PatchSize}, got {ImageSize}");
        Require(MlpRatio > 0 && EmbedDim * MlpRatio >= 1, $"vit.mlpRatio must be > 0, got {MlpRatio}");
        Require(RegisterTokens >= 0, $"vit.registerTokens must be >= 0, got {RegisterTokens}");
        Require(InterpolateOffset >= 0 && InterpolateOffset < 1,
            $"vit.interpolateOffset must be in [0, 1), got {InterpolateOffset}");
        Require(LayerNormEps > 0, $"vit.layerNormEps must be > 0, got {LayerNormEps}");
        return this;
    }

    private static VitConfig Reg4(VitConfig baseConfig, string name) =>
        baseConfig with { Name = name, RegisterTokens = 4, InterpolateAntialias = true, InterpolateOffset = 0.0 };

    private static void Require(bool ok, string message)
    {
        if (!ok)
            throw new ArgumentException(message);
    }
}
