using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>
/// CoTracker3 offline (the <c>scaled_offline</c> architecture): stride-4 <see cref="BasicEncoder"/> (<c>fnet</c>),
/// 4-level correlation pyramid of radius 3 fed through <c>corr_mlp</c> (49·49 → 384 → 256, exact GELU), and the
/// <see cref="EfficientUpdateFormer"/>; window 60, model resolution 384×512. The module tree's state-dict names and
/// shapes equal the official checkpoint's (golden <c>cotracker3/keys.json</c>).
/// <see cref="Track"/> is the full forward (parity: docs/cotracker3.md); the tracker stage wraps it through <see cref="CoTrackerPredictor"/>.
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
    /// The offline forward (<c>CoTrackerThreeOffline.forward</c>): tracks every query through the whole clip with
    /// <paramref name="iters"/> refinement iterations. The video is the model-resolution clip (384×512 for the
    /// official weights; the relative-motion scale is fixed to that resolution as in the reference).
    /// </summary>
    /// <param name="video">Pixels 0–255, float, [B, T, 3, H, W], H and W multiples of 4.</param>
    /// <param name="queries">[B, N, 3] (t, x, y): query frame and position in pixels of <paramref name="video"/>.</param>
    /// <param name="iters">Refinement iterations (6 in the predictor).</param>
    /// <param name="recordIterations">Also return every iteration's tracks and logits.</param>
    /// <param name="fmapsChunkSize">Frames per encoder call (see <see cref="EncodeFrames"/>).</param>
    public CoTrackerOutput Track(Tensor video, Tensor queries, int iters = 6, bool recordIterations = false, int fmapsChunkSize = EncoderFramesPerCall)
    {
        long b = video.shape[0], t = video.shape[1];
        long n = queries.shape[1];
        var coordsIters = new List<Tensor>();
        var visIters = new List<Tensor>();
        var confIters = new List<Tensor>();
        using var outer = NewDisposeScope();
        using var normalized = NormalizeVideo(video);
        var fmaps = EncodeFrames(normalized, fmapsChunkSize);
        var queriedFrames = queries.select(-1, 0).to(ScalarType.Int64);
        var queriedCoords = queries.narrow(-1, 1, 2) / (double)Stride;

        var pyramid = CoTrackerCorrelation.Pyramid(fmaps, CorrLevels);
        var supports = new Tensor[CorrLevels];
        for (int i = 0; i < CorrLevels; i++)
            supports[i] = CoTrackerCorrelation.TrackFeat(pyramid[i], queriedFrames, queriedCoords / Math.Pow(2, i), CorrRadius).Support;

        var vis = torch.zeros(new[] { b, t, n }, device: video.device);
        var conf = torch.zeros(new[] { b, t, n }, device: video.device);
        var coords = queriedCoords.reshape(b, 1, n, 2).expand(b, t, n, 2).to(ScalarType.Float32);
        (coords, vis, conf) = Refine(pyramid, supports, coords, vis, conf, iters,
            recordIterations ? (coordsIters, visIters, confIters) : null);
        var outCoords = (coords * (double)Stride).DetachFromDisposeScope();
        var outVis = vis.sigmoid().DetachFromDisposeScope();
        var outConf = conf.sigmoid().DetachFromDisposeScope();
        return new CoTrackerOutput(outCoords, outVis, outConf, coordsIters, visIters, confIters);
    }

    /// <summary>
    /// The refinement loop of one window (<c>forward_window</c>): <paramref name="iters"/> updates of tracks, visibility
    /// and confidence logits from the correlation of each level with the queries' support features.
    /// </summary>
    /// <param name="pyramid">Feature pyramid of the window's frames, [B, S, C, H/2^i, W/2^i] per level.</param>
    /// <param name="supports">Query support features per level, [B, 49, N, C].</param>
    /// <param name="coords">Initial tracks [B, S, N, 2] in stride-4 units.</param>
    /// <param name="vis">Initial visibility logits [B, S, N].</param>
    /// <param name="conf">Initial confidence logits [B, S, N].</param>
    /// <param name="iters">Updates.</param>
    /// <param name="record">Lists that receive every iteration's tracks (pixels) and logits, or null.</param>
    /// <returns>Tracks (stride-4 units) and logits after the last update, in the caller's dispose scope.</returns>
    internal (Tensor Coords, Tensor Vis, Tensor Conf) Refine(Tensor[] pyramid, Tensor[] supports, Tensor coords, Tensor vis, Tensor conf,
        int iters, (List<Tensor> Coords, List<Tensor> Vis, List<Tensor> Conf)? record = null)
    {
        long b = coords.shape[0], t = coords.shape[1], n = coords.shape[2];
        var scale = torch.tensor(new[] { ModelWidth / (float)Stride, ModelHeight / (float)Stride }, device: coords.device);
        var timeEmb = InterpolateTimeEmbed(t).to(coords.device);
        for (int it = 0; it < iters; it++)
        {
            using var step = NewDisposeScope();
            var coordsInit = coords.reshape(b * t, n, 2);
            var corrEmbs = new Tensor[CorrLevels];
            for (int i = 0; i < CorrLevels; i++)
            {
                // Each level's window samples and volume (hundreds of MB for a 16×16 grid) are freed before the next.
                using var level = NewDisposeScope();
                var corrFeat = CoTrackerCorrelation.CorrelationFeat(pyramid[i], coordsInit / Math.Pow(2, i), CorrRadius);
                var volume = CoTrackerCorrelation.CorrelationVolume(corrFeat, supports[i]);
                corrEmbs[i] = corr_mlp.forward(volume).MoveToOuterDisposeScope();
            }
            var corr = torch.cat(corrEmbs, dim: -1).view(b, t, n, -1);

            var fwd = coords.narrow(1, 0, t - 1) - coords.narrow(1, 1, t - 1);
            var bwd = coords.narrow(1, 1, t - 1) - coords.narrow(1, 0, t - 1);
            fwd = nn.functional.pad(fwd, new long[] { 0, 0, 0, 0, 0, 1 }) / scale;
            bwd = nn.functional.pad(bwd, new long[] { 0, 0, 0, 0, 1, 0 }) / scale;
            var relPos = PosEnc(torch.cat(new[] { fwd, bwd }, dim: -1), 0, 10);

            var x = torch.cat(new[] { vis.unsqueeze(-1), conf.unsqueeze(-1), corr, relPos }, dim: -1)
                .permute(0, 2, 1, 3).reshape(b * n, t, -1);
            x = (x + timeEmb).view(b, n, t, -1);
            var delta = updateformer.forward(x);                                   // B N T 4

            var newVis = vis + delta.select(-1, 2).permute(0, 2, 1);
            var newConf = conf + delta.select(-1, 3).permute(0, 2, 1);
            var newCoords = coords + delta.narrow(-1, 0, 2).permute(0, 2, 1, 3);
            vis = newVis.MoveToOuterDisposeScope();
            conf = newConf.MoveToOuterDisposeScope();
            coords = newCoords.MoveToOuterDisposeScope();
            if (record is { } r)
            {
                r.Coords.Add((coords * (double)Stride).DetachFromDisposeScope());
                r.Vis.Add(vis.clone().DetachFromDisposeScope());
                r.Conf.Add(conf.clone().DetachFromDisposeScope());
            }
        }
        return (coords, vis, conf);
    }

    /// <summary>
    /// <c>interpolate_time_embed</c>: the 60-frame table itself when T = 60, otherwise resampled to T frames with
    /// linear interpolation, align_corners=False: [1, T, 1110].
    /// </summary>
    /// <param name="frames">Clip length T.</param>
    public Tensor InterpolateTimeEmbed(long frames)
    {
        var table = named_buffers().Single(kv => kv.name == "time_emb").buffer;
        if (frames == table.shape[1])
            return table.alias();
        using var scope = NewDisposeScope();
        var resized = nn.functional.interpolate(table.permute(0, 2, 1), new[] { frames }, mode: InterpolationMode.Linear, align_corners: false);
        return resized.permute(0, 2, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>posenc(x, min_deg, max_deg)</c>: x followed by sin of x scaled by 2^min…2^(max−1) (scale-major) and the same
    /// shifted by π/2 (cosines): width D·(1 + 2·(max−min)).
    /// </summary>
    /// <param name="x">Values [..., D].</param>
    /// <param name="minDeg">First power of two (inclusive).</param>
    /// <param name="maxDeg">Last power of two (exclusive).</param>
    public static Tensor PosEnc(Tensor x, int minDeg, int maxDeg)
    {
        if (minDeg == maxDeg)
            return x.alias();
        using var scope = NewDisposeScope();
        var scales = torch.tensor(Enumerable.Range(minDeg, maxDeg - minDeg).Select(i => (float)Math.Pow(2, i)).ToArray(), device: x.device).to(x.dtype);
        var shape = x.shape;
        var xb = (x.unsqueeze(-2) * scales.unsqueeze(-1)).reshape(shape.Take(shape.Length - 1).Append(-1L).ToArray());
        var four = torch.cat(new[] { xb, xb + 0.5 * Math.PI }, dim: -1).sin();
        return torch.cat(new[] { x, four }, dim: -1).MoveToOuterDisposeScope();
    }

    /// <summary>Frames per encoder call by default: the encoder's activations are freed after each call, so this bounds them.</summary>
    public const int EncoderFramesPerCall = 4;

    /// <summary>
    /// Encoder features of a video already in [−1, 1]: <c>fnet</c> on every frame, then L2-normalised over the
    /// channel axis (norm clamped at 1e-12 before the square root, as the reference): [B, T, 128, H/4, W/4].
    /// </summary>
    /// <remarks>
    /// The B·T frames go through the encoder <paramref name="chunkSize"/> at a time, each call in its own dispose scope:
    /// the encoder's full-resolution activations (about 0.3 GB per 384×512 frame) are freed before the next call instead
    /// of living until the whole clip is encoded. The encoder is per frame (instance norm), so chunking does not change
    /// what it computes.
    /// </remarks>
    /// <param name="video">[B, T, 3, H, W], H and W multiples of 4.</param>
    /// <param name="chunkSize">Frames per encoder call (the reference's <c>fmaps_chunk_size</c> plays this role).</param>
    public Tensor EncodeFrames(Tensor video, int chunkSize = EncoderFramesPerCall)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        long b = video.shape[0], t = video.shape[1], c = video.shape[2], h = video.shape[3], w = video.shape[4];
        if (h % Stride != 0 || w % Stride != 0)
            throw new ArgumentException($"frame size {w}×{h} is not a multiple of {Stride}", nameof(video));
        using var scope = NewDisposeScope();
        var frames = video.reshape(b * t, c, h, w);
        var chunks = new List<Tensor>();
        for (long s = 0; s < b * t; s += chunkSize)
        {
            using var call = NewDisposeScope();
            var f = fnet.forward(frames.narrow(0, s, Math.Min(chunkSize, b * t - s)));
            var sq = f.square().sum(dim: 1, keepdim: true);
            var norm = torch.maximum(sq, torch.tensor(1e-12f, device: sq.device)).sqrt();
            chunks.Add((f / norm).MoveToOuterDisposeScope());
        }
        var fmaps = (chunks.Count == 1 ? chunks[0] : torch.cat(chunks.ToArray(), dim: 0)).reshape(b, t, LatentDim, h / Stride, w / Stride);
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
