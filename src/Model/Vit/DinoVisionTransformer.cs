using MoSiC.Stream.Model.Vit.Layers;
using MoSiC.Stream.Model.Vit.PosEmbed;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Vit;

/// <summary>
/// DINOv2 Vision Transformer backbone (the official <c>DinoVisionTransformer</c> with <c>block_chunks=0</c>, MLP FFN,
/// LayerScale). Parameter names equal the official state-dict keys, so checkpoints load by direct name match.
/// </summary>
public sealed class DinoVisionTransformer : nn.Module<Tensor, VitFeatures>
{
    // Registered explicitly in the official order: cls_token, pos_embed, [register_tokens], mask_token, patch_embed,
    // blocks, norm. TorchSharp would otherwise register fields in reflection order and skip the optional registers.
    private readonly Parameter _clsToken;
    private readonly Parameter _posEmbed;
    private readonly Parameter? _registerTokens;
    private readonly Parameter _maskToken;
    private readonly PatchEmbed _patchEmbed;
    private readonly ModuleList<VitBlock> _blocks;
    private readonly LayerNorm _norm;

    /// <summary>Builds a randomly initialised model (DINOv2's init scheme for the token parameters).</summary>
    /// <param name="config">Architecture; validated here.</param>
    /// <exception cref="ArgumentException"><paramref name="config"/> is invalid.</exception>
    public DinoVisionTransformer(VitConfig config) : base(nameof(DinoVisionTransformer))
    {
        Config = config.Validate();
        int d = config.EmbedDim;
        long grid = config.GridSize;

        using (no_grad())
        {
            _clsToken = new Parameter(empty(1, 1, d));
            nn.init.normal_(_clsToken, std: 1e-6);
            _posEmbed = new Parameter(empty(1, 1 + grid * grid, d));
            nn.init.trunc_normal_(_posEmbed, std: 0.02);
            if (config.RegisterTokens > 0)
            {
                _registerTokens = new Parameter(empty(1, config.RegisterTokens, d));
                nn.init.normal_(_registerTokens, std: 1e-6);
            }
            // Only used by masked-image training upstream; kept so official checkpoints load strictly.
            _maskToken = new Parameter(zeros(1, d));
        }
        _patchEmbed = new PatchEmbed(config.PatchSize, d);
        _blocks = new ModuleList<VitBlock>(Enumerable.Range(0, config.Depth).Select(_ => new VitBlock(config)).ToArray());
        _norm = nn.LayerNorm(d, eps: config.LayerNormEps);

        register_parameter("cls_token", _clsToken);
        register_parameter("pos_embed", _posEmbed);
        if (_registerTokens is not null)
            register_parameter("register_tokens", _registerTokens);
        register_parameter("mask_token", _maskToken);
        register_module("patch_embed", _patchEmbed);
        register_module("blocks", _blocks);
        register_module("norm", _norm);
    }

    /// <summary>The architecture this model was built with.</summary>
    public VitConfig Config { get; }

    /// <summary>The learned positional embedding, (1, 1 + grid², D), class position first.</summary>
    public Parameter PositionalEmbedding => _posEmbed;

    /// <summary>
    /// <c>forward_features</c>: patch embed, class token, positional embedding (resized to the input's grid), registers,
    /// blocks, final LayerNorm.
    /// </summary>
    /// <param name="images">(B, 3, H, W), normalised; H and W multiples of the patch size.</param>
    /// <exception cref="ArgumentException">The input shape does not fit the model.</exception>
    public override VitFeatures forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (tokens, rows, cols) = Embed(images);
        foreach (var block in _blocks)
            tokens = block.forward(tokens);
        return Split(tokens, _norm.forward(tokens), rows, cols).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The forward pass with student token masking (the reference's patch drop): only the patches where
    /// <paramref name="keep"/> is true go through the blocks, next to the class and register tokens; the dropped ones
    /// come back as all-zero tokens, so features sampled there are zero.
    /// </summary>
    /// <param name="images">(B, 3, H, W) as for <see cref="forward(Tensor)"/>.</param>
    /// <param name="keep">(B, patches) bool, the same number of true entries in every row.</param>
    /// <exception cref="ArgumentException">The mask does not fit the images.</exception>
    public VitFeatures forward(Tensor images, Tensor keep)
    {
        using var scope = NewDisposeScope();
        var (tokens, rows, cols) = Embed(images);
        int prefix = Config.PrefixTokens;
        long b = tokens.shape[0], p = tokens.shape[1] - prefix, d = tokens.shape[2];
        if (keep.dtype != ScalarType.Bool || keep.dim() != 2 || keep.shape[0] != b || keep.shape[1] != p)
            throw new ArgumentException($"keep must be a ({b}, {p}) bool mask, got {keep.dtype} ({string.Join(", ", keep.shape)})", nameof(keep));
        Tensor counts = keep.sum(dim: 1);
        long kept = counts[0].item<long>();
        if (!counts.eq(kept).all().item<bool>())
            throw new ArgumentException("keep must keep the same number of patches in every image", nameof(keep));

        Tensor select = keep.to(tokens.device).unsqueeze(-1).expand(b, p, d);
        tokens = cat([tokens[.., ..prefix], tokens[.., prefix..].masked_select(select).reshape(b, kept, d)], 1);
        foreach (var block in _blocks)
            tokens = block.forward(tokens);
        Tensor normed = _norm.forward(tokens);

        // Kept tokens back in their places (masked_scatter fills in row-major order, the order masked_select took).
        Tensor Scatter(Tensor x) => cat([x[.., ..prefix], zeros(b, p, d, x.dtype, x.device).masked_scatter(select, x[.., prefix..])], 1);
        return Split(Scatter(tokens), Scatter(normed), rows, cols).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// DINOv2's <c>get_intermediate_layers(x, n, reshape=True, return_class_token=True, norm=True)</c>: the outputs of
    /// the last <paramref name="n"/> blocks, each passed through the final norm.
    /// </summary>
    /// <param name="images">(B, 3, H, W) as for <see cref="forward(Tensor)"/>.</param>
    /// <param name="n">How many of the last blocks to return (1 … depth).</param>
    /// <returns>Per block, in block order: patch tokens as (B, D, rows, cols) and the class token (B, D).</returns>
    public IReadOnlyList<(Tensor Patches, Tensor ClassToken)> IntermediateLayers(Tensor images, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, Config.Depth);
        using var scope = NewDisposeScope();
        var (tokens, rows, cols) = Embed(images);
        var outputs = new List<(Tensor, Tensor)>();
        for (int i = 0; i < Config.Depth; i++)
        {
            tokens = _blocks[i].forward(tokens);
            if (i < Config.Depth - n)
                continue;
            var normed = _norm.forward(tokens);
            var patches = normed[.., Config.PrefixTokens..]
                .reshape(normed.shape[0], rows, cols, -1).permute(0, 3, 1, 2).contiguous();
            outputs.Add((patches.MoveToOuterDisposeScope(), normed[.., 0].MoveToOuterDisposeScope()));
        }
        return outputs;
    }

    /// <summary>The positional embedding added for an image of <paramref name="height"/> × <paramref name="width"/>
    /// pixels (class position first), as the official <c>interpolate_pos_encoding</c> computes it.</summary>
    /// <param name="height">Image rows in pixels (multiple of the patch size).</param>
    /// <param name="width">Image columns in pixels (multiple of the patch size).</param>
    public Tensor InterpolatePosEncoding(int height, int width)
    {
        int p = Config.PatchSize;
        return PosEmbedResize.Runtime(_posEmbed, height / p, width / p, height == width,
            Config.InterpolateAntialias, Config.InterpolateOffset);
    }

    /// <summary>
    /// Freezes the patch embedding, the token parameters (class token, positional embedding, registers, mask token)
    /// and blocks 0 … <paramref name="frozenBlocks"/> − 1; every other parameter becomes trainable.
    /// </summary>
    /// <param name="frozenBlocks">Leading blocks to freeze (0 … depth).</param>
    /// <param name="freezeFinalNorm">Also freeze the final LayerNorm. MoSiC trains only blocks 10 and 11 of ViT-S and
    /// keeps <c>norm.*</c> frozen: <c>FreezeBlocks(10, freezeFinalNorm: true)</c>.</param>
    public void FreezeBlocks(int frozenBlocks, bool freezeFinalNorm = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frozenBlocks, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frozenBlocks, Config.Depth);
        foreach (var (name, parameter) in named_parameters())
            parameter.requires_grad = !IsFrozen(name, frozenBlocks, freezeFinalNorm);
    }

    private static bool IsFrozen(string name, int frozenBlocks, bool freezeFinalNorm)
    {
        if (name.StartsWith("blocks.", StringComparison.Ordinal))
        {
            int index = int.Parse(name.AsSpan(7, name.IndexOf('.', 7) - 7), System.Globalization.CultureInfo.InvariantCulture);
            return index < frozenBlocks;
        }
        if (name.StartsWith("norm.", StringComparison.Ordinal))
            return freezeFinalNorm;
        return true; // patch_embed.*, cls_token, pos_embed, register_tokens, mask_token
    }

    private (Tensor Tokens, int Rows, int Cols) Embed(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"expected images (B, 3, H, W), got ({string.Join(", ", images.shape)})", nameof(images));
        int p = Config.PatchSize;
        long h = images.shape[2], w = images.shape[3];
        if (h % p != 0 || w % p != 0 || h == 0 || w == 0)
            throw new ArgumentException($"image size {h}×{w} is not a positive multiple of the patch size {p}", nameof(images));
        int rows = (int)(h / p), cols = (int)(w / p);
        long b = images.shape[0];

        var patches = _patchEmbed.forward(images);
        var tokens = cat([_clsToken.expand(b, -1, -1), patches], 1);
        tokens = tokens + InterpolatePosEncoding((int)h, (int)w);
        // Registers go in after the positional embedding: they carry no position.
        if (_registerTokens is not null)
            tokens = cat([tokens[.., ..1], _registerTokens.expand(b, -1, -1), tokens[.., 1..]], 1);
        return (tokens, rows, cols);
    }

    private VitFeatures Split(Tensor prenorm, Tensor normed, int rows, int cols)
    {
        int prefix = Config.PrefixTokens;
        return new VitFeatures(
            normed[.., 0],
            normed[.., 1..prefix],
            normed[.., prefix..],
            prenorm,
            rows,
            cols);
    }
}
