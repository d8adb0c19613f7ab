using static TorchSharp.torch;

namespace MoSiC.Stream.Model.Vit;

/// <summary>
/// What <see cref="DinoVisionTransformer.forward(TorchSharp.torch.Tensor)"/> returns, the equivalent of DINOv2's <c>forward_features</c>.
/// Owns its tensors: dispose it (or move them to a dispose scope) when done.
/// </summary>
public sealed class VitFeatures : IDisposable
{
    internal VitFeatures(Tensor classToken, Tensor registerTokens, Tensor patchTokens, Tensor prenorm, int gridRows, int gridCols)
    {
        ClassToken = classToken;
        RegisterTokens = registerTokens;
        PatchTokens = patchTokens;
        Prenorm = prenorm;
        GridRows = gridRows;
        GridCols = gridCols;
    }

    /// <summary>Normalised class token, (B, D): <c>x_norm_clstoken</c>.</summary>
    public Tensor ClassToken { get; }

    /// <summary>Normalised register tokens, (B, R, D); R = 0 for models without registers.</summary>
    public Tensor RegisterTokens { get; }

    /// <summary>Normalised patch tokens, (B, rows·cols, D), row-major over the patch grid: <c>x_norm_patchtokens</c>.</summary>
    public Tensor PatchTokens { get; }

    /// <summary>All tokens after the last block, before the final norm, (B, 1 + R + rows·cols, D): <c>x_prenorm</c>.</summary>
    public Tensor Prenorm { get; }

    /// <summary>Patch rows (image height / patch size).</summary>
    public int GridRows { get; }

    /// <summary>Patch columns (image width / patch size).</summary>
    public int GridCols { get; }

    /// <summary>Moves every tensor to the enclosing dispose scope (or out of all scopes), see TorchSharp's <c>MoveToOuterDisposeScope</c>.</summary>
    public VitFeatures MoveToOuterDisposeScope()
    {
        ClassToken.MoveToOuterDisposeScope();
        RegisterTokens.MoveToOuterDisposeScope();
        PatchTokens.MoveToOuterDisposeScope();
        Prenorm.MoveToOuterDisposeScope();
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ClassToken.Dispose();
        RegisterTokens.Dispose();
        PatchTokens.Dispose();
        Prenorm.Dispose();
    }
}
