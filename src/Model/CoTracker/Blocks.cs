using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// timm-style two-layer MLP as CoTracker uses it: <c>fc2(act(fc1(x)))</c>. The correlation MLP uses exact (erf) GELU,
/// the attention blocks' MLPs the tanh approximation; the golden fixtures tell the two apart.
/// </summary>
public sealed class CoTrackerMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly bool _tanhGelu;

    /// <summary>Builds fc1 (in → hidden) and fc2 (hidden → out), both with bias.</summary>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="hiddenFeatures">Hidden width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="tanhGelu">Use GELU's tanh approximation instead of the exact erf form.</param>
    public CoTrackerMlp(long inFeatures, long hiddenFeatures, long outFeatures, bool tanhGelu) : base("Mlp")
    {
        fc1 = nn.Linear(inFeatures, hiddenFeatures, hasBias: true);
        fc2 = nn.Linear(hiddenFeatures, outFeatures, hasBias: true);
        _tanhGelu = tanhGelu;
        RegisterComponents();
    }

    /// <summary>fc2(GELU(fc1(x))).</summary>
    public override Tensor forward(Tensor x)
    {
        using var h = fc1.forward(x);
        using var a = _tanhGelu ? TanhGelu(h) : nn.functional.gelu(h);
        return fc2.forward(a);
    }

    /// <summary>GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    /// <param name="x">Input.</param>
    public static Tensor TanhGelu(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inner = (x + 0.044715 * x.pow(3)) * Math.Sqrt(2.0 / Math.PI);
        return (0.5 * x * (1 + inner.tanh())).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// CoTracker's multi-head attention: <c>to_q</c>, <c>to_kv</c> (keys and values in one Linear), <c>to_out</c>;
/// 8 heads of 48 for width 384, explicit softmax(q·kᵀ·scale + bias)·v.
/// </summary>
public sealed class CoTrackerAttention : nn.Module<Tensor, Tensor?, Tensor?, Tensor>
{
    private readonly Linear to_q;
    private readonly Linear to_kv;
    private readonly Linear to_out;
    private readonly int _heads;
    private readonly double _scale;

    /// <summary>Builds the projections.</summary>
    /// <param name="queryDim">Query token width.</param>
    /// <param name="contextDim">Context token width.</param>
    /// <param name="numHeads">Number of heads.</param>
    /// <param name="dimHead">Width of one head.</param>
    /// <param name="qkvBias">Bias on the q and kv projections.</param>
    public CoTrackerAttention(long queryDim, long contextDim, int numHeads = 8, int dimHead = 48, bool qkvBias = true)
        : base("Attention")
    {
        long inner = (long)dimHead * numHeads;
        _heads = numHeads;
        _scale = Math.Pow(dimHead, -0.5);
        to_q = nn.Linear(queryDim, inner, hasBias: qkvBias);
        to_kv = nn.Linear(contextDim, inner * 2, hasBias: qkvBias);
        to_out = nn.Linear(inner, queryDim, hasBias: true);
        RegisterComponents();
    }

    /// <summary>Attention of <paramref name="x"/> [B, N1, C] over <paramref name="context"/> (x itself when null).</summary>
    /// <param name="x">Queries [B, N1, C].</param>
    /// <param name="context">Keys/values source [B, N2, Cc]; null for self-attention.</param>
    /// <param name="attnBias">Additive bias broadcastable to [B, heads, N1, N2], or null.</param>
    public override Tensor forward(Tensor x, Tensor? context, Tensor? attnBias)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n1 = x.shape[1], c = x.shape[2];
        int h = _heads;
        var q = to_q.forward(x).reshape(b, n1, h, c / h).permute(0, 2, 1, 3);
        var ctx = context ?? x;
        var kv = to_kv.forward(ctx).chunk(2, dim: -1);
        long n2 = ctx.shape[1];
        var k = kv[0].reshape(b, n2, h, c / h).permute(0, 2, 1, 3);
        var v = kv[1].reshape(b, n2, h, c / h).permute(0, 2, 1, 3);
        var sim = q.matmul(k.transpose(-2, -1)) * _scale;
        if (attnBias is not null)
            sim = sim + attnBias;
        var attn = sim.softmax(dim: -1);
        var o = attn.matmul(v).transpose(1, 2).reshape(b, n1, c);
        return to_out.forward(o).MoveToOuterDisposeScope();
    }
}

/// <summary>Pre-norm self-attention block (LayerNorms without affine, eps 1e-6; MLP with tanh GELU).</summary>
public sealed class AttnBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly CoTrackerAttention attn;
    private readonly LayerNorm norm2;
    private readonly CoTrackerMlp mlp;

    /// <summary>Builds the block.</summary>
    /// <param name="hidden">Token width.</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="mlpRatio">MLP hidden width / token width.</param>
    public AttnBlock(int hidden, int numHeads, double mlpRatio = 4.0) : base(nameof(AttnBlock))
    {
        norm1 = nn.LayerNorm(hidden, eps: 1e-6, elementwise_affine: false);
        attn = new CoTrackerAttention(hidden, hidden, numHeads, hidden / numHeads, qkvBias: true);
        norm2 = nn.LayerNorm(hidden, eps: 1e-6, elementwise_affine: false);
        mlp = new CoTrackerMlp(hidden, (long)(hidden * mlpRatio), hidden, tanhGelu: true);
        RegisterComponents();
    }

    /// <summary>x + attn(norm1(x)), then + mlp(norm2(·)). (No mask: the offline model never passes one.)</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = x + attn.forward(norm1.forward(x), null, null);
        y = y + mlp.forward(norm2.forward(y));
        return y.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Pre-norm cross-attention block: <c>norm1</c>/<c>norm2</c> without affine (eps 1e-6), <c>norm_context</c> with
/// affine and the default eps 1e-5; MLP with tanh GELU.
/// </summary>
public sealed class CrossAttnBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm_context;
    private readonly CoTrackerAttention cross_attn;
    private readonly LayerNorm norm2;
    private readonly CoTrackerMlp mlp;

    /// <summary>Builds the block.</summary>
    /// <param name="hidden">Query token width.</param>
    /// <param name="contextDim">Context token width.</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="mlpRatio">MLP hidden width / token width.</param>
    public CrossAttnBlock(int hidden, int contextDim, int numHeads, double mlpRatio = 4.0) : base(nameof(CrossAttnBlock))
    {
        norm1 = nn.LayerNorm(hidden, eps: 1e-6, elementwise_affine: false);
        norm_context = nn.LayerNorm(hidden, eps: 1e-5, elementwise_affine: true);
        cross_attn = new CoTrackerAttention(hidden, contextDim, numHeads, hidden / numHeads, qkvBias: true);
        norm2 = nn.LayerNorm(hidden, eps: 1e-6, elementwise_affine: false);
        mlp = new CoTrackerMlp(hidden, (long)(hidden * mlpRatio), hidden, tanhGelu: true);
        RegisterComponents();
    }

    /// <summary>x + cross_attn(norm1(x), norm_context(context)), then + mlp(norm2(·)). No mask (offline model).</summary>
    public override Tensor forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        var y = x + cross_attn.forward(norm1.forward(x), norm_context.forward(context), null);
        y = y + mlp.forward(norm2.forward(y));
        return y.MoveToOuterDisposeScope();
    }
}
