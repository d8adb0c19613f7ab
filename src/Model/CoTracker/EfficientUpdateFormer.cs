using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// CoTracker3's update transformer: <c>input_transform</c> (1110 → 384), alternating time attention and space
/// attention through 64 learned virtual tracks (point→virtual cross-attention, virtual self-attention,
/// virtual→point cross-attention), then <c>flow_head</c> (dx, dy) and <c>vis_conf_head</c> (dvis, dconf).
/// Names follow the official state dict, including its spelling <c>virual_tracks</c>.
/// </summary>
public sealed class EfficientUpdateFormer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // names are the checkpoint's
    private readonly Parameter virual_tracks;
#pragma warning restore IDE1006
    private readonly Linear input_transform;
    private readonly Linear flow_head;
    private readonly Linear vis_conf_head;
    private readonly ModuleList<AttnBlock> time_blocks;
    private readonly ModuleList<AttnBlock> space_virtual_blocks;
    private readonly ModuleList<CrossAttnBlock> space_point2virtual_blocks;
    private readonly ModuleList<CrossAttnBlock> space_virtual2point_blocks;

    /// <summary>Builds the transformer with CoTracker3's sizes by default.</summary>
    /// <param name="spaceDepth">Number of space-attention rounds.</param>
    /// <param name="timeDepth">Number of time-attention blocks.</param>
    /// <param name="inputDim">Input token width.</param>
    /// <param name="hiddenSize">Hidden width.</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="outputDim">Output width (2 flow + 2 vis/conf).</param>
    /// <param name="mlpRatio">MLP hidden width / hidden width.</param>
    /// <param name="numVirtualTracks">Number of learned virtual tracks.</param>
    public EfficientUpdateFormer(int spaceDepth = 3, int timeDepth = 3, int inputDim = 1110, int hiddenSize = 384,
        int numHeads = 8, int outputDim = 4, double mlpRatio = 4.0, int numVirtualTracks = 64)
        : base(nameof(EfficientUpdateFormer))
    {
        NumHeads = numHeads;
        HiddenSize = hiddenSize;
        NumVirtualTracks = numVirtualTracks;
        input_transform = nn.Linear(inputDim, hiddenSize, hasBias: true);
        flow_head = nn.Linear(hiddenSize, outputDim - 2, hasBias: true);
        vis_conf_head = nn.Linear(hiddenSize, 2, hasBias: true);
        virual_tracks = new Parameter(torch.zeros(1, numVirtualTracks, 1, hiddenSize));
        time_blocks = new ModuleList<AttnBlock>(Enumerable.Range(0, timeDepth).Select(_ => new AttnBlock(hiddenSize, numHeads, mlpRatio)).ToArray());
        space_virtual_blocks = new ModuleList<AttnBlock>(Enumerable.Range(0, spaceDepth).Select(_ => new AttnBlock(hiddenSize, numHeads, mlpRatio)).ToArray());
        space_point2virtual_blocks = new ModuleList<CrossAttnBlock>(Enumerable.Range(0, spaceDepth).Select(_ => new CrossAttnBlock(hiddenSize, hiddenSize, numHeads, mlpRatio)).ToArray());
        space_virtual2point_blocks = new ModuleList<CrossAttnBlock>(Enumerable.Range(0, spaceDepth).Select(_ => new CrossAttnBlock(hiddenSize, hiddenSize, numHeads, mlpRatio)).ToArray());
        RegisterComponents();
    }

    /// <summary>Attention heads.</summary>
    public int NumHeads { get; }

    /// <summary>Hidden width.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of learned virtual tracks.</summary>
    public int NumVirtualTracks { get; }

    /// <summary>
    /// Update deltas [B, N, T, 4] = (dx, dy, dvis, dconf) for input tokens [B, N, T, inputDim]. Each round: time
    /// attention over every track (virtual ones appended), then per frame the virtual tracks attend to the points
    /// (<c>space_virtual2point_blocks</c>, applied first despite the name), self-attend
    /// (<c>space_virtual_blocks</c>), and the points attend to them (<c>space_point2virtual_blocks</c>).
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var tokens = input_transform.forward(input);
        long b = tokens.shape[0], t = tokens.shape[2], c = tokens.shape[3];
        var virtualTokens = virual_tracks.repeat(b, 1, t, 1);
        tokens = torch.cat(new[] { tokens, virtualTokens }, dim: 1);
        long n = tokens.shape[1];
        long points = n - NumVirtualTracks;
        int every = time_blocks.Count / space_virtual_blocks.Count;
        int j = 0;
        for (int i = 0; i < time_blocks.Count; i++)
        {
            var time = time_blocks[i].forward(tokens.contiguous().view(b * n, t, c));
            tokens = time.view(b, n, t, c);
            if (i % every != 0)
                continue;
            var space = tokens.permute(0, 2, 1, 3).contiguous().view(b * t, n, c);
            var pointTokens = space.narrow(1, 0, points);
            var virt = space.narrow(1, points, NumVirtualTracks);
            virt = space_virtual2point_blocks[j].forward(virt, pointTokens);
            virt = space_virtual_blocks[j].forward(virt);
            pointTokens = space_point2virtual_blocks[j].forward(pointTokens, virt);
            space = torch.cat(new[] { pointTokens, virt }, dim: 1);
            tokens = space.view(b, t, n, c).permute(0, 2, 1, 3);
            j++;
        }
        tokens = tokens.narrow(1, 0, points);
        var flow = flow_head.forward(tokens);
        var visConf = vis_conf_head.forward(tokens);
        return torch.cat(new[] { flow, visConf }, dim: -1).MoveToOuterDisposeScope();
    }
}
