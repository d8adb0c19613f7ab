using MoSiC.Stream.Model.CoTracker;
using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Vit;
using TorchSharp;
using static TorchSharp.torch;

namespace MoSiC.Stream.Bench.Gpu;

/// <summary>
/// GPU against CPU, TF32 off, the same seeded weights and inputs on both: the CPU path is golden-verified
/// (docs/model.md, docs/cotracker3.md), so agreement within the golden README's tolerances carries that check to the
/// GPU. The weights follow the golden fixtures' recipes (README §1.1, §2.1: the re-randomisations that keep LayerNorm's
/// eps and the heads visible in the outputs), drawn here from seeds, since the fixtures do not travel to the device.
/// Gated checks use the fixtures' shapes and the README's tolerances; the rest (the 12-block ViT-S/14, one whole
/// trainer step) are reported for diagnosis.
/// </summary>
internal sealed class ParityChecks(Device gpu, GpuCheckSizes sizes)
{
    // Golden README tables 1.6, 2.4 and 3.5.
    private const double NormTol = 1e-4, PrenormTol = 2e-5, CoordsTol = 5e-4, ProbTol = 1e-5, LogitTol = 5e-5,
        SinkhornTol = 2e-6, LossRtol = 1e-5, GradTol = 1e-6;

    private readonly List<ParityCheck> _checks = [];

    public ParityReport Run()
    {
        bool matmul = backends.cuda.matmul.allow_tf32, cudnn = backends.cudnn.allow_tf32;
        backends.cuda.matmul.allow_tf32 = false;
        backends.cudnn.allow_tf32 = false;
        try
        {
            Timed(nameof(DinoFixture), DinoFixture);
            Timed(nameof(Objective), Objective);
            Timed(nameof(CoTracker), CoTracker);
            Timed(nameof(DinoVitS14), DinoVitS14);
            Timed(nameof(TrainerStep), TrainerStep);
        }
        finally
        {
            backends.cuda.matmul.allow_tf32 = matmul;
            backends.cudnn.allow_tf32 = cudnn;
        }

        return new ParityReport(_checks.Where(c => c.Gate).All(c => c.Passed), false, [.. _checks]);
    }

    private static void Timed(string part, Action run)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        run();
        Console.Error.WriteLine(FormattableString.Invariant($"gpu-check: parity {part} {System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s"));
    }

    // The golden fixture's DINOv2 (dim 96, depth 2, ViT-S/14 code path) at 224² and 224×154, weights as README §1.1.
    private void DinoFixture()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var model = new DinoVisionTransformer(VitConfig.Fixture);
        GoldenLikeVitWeights(model, 1234);
        model.eval();
        var g = new Generator(11);
        foreach (var (h, w, tag) in new[] { (sizes.VitSize, sizes.VitSize, ""), (sizes.VitSize, sizes.VitSize / 14 * 11 / 16 * 14, "_nonsquare") })
        {
            Tensor images = NormalizedImages(2, h, w, g);
            Compare(model, images, $"dinov2.fixture{tag}", gate: true, intermediate: tag.Length == 0);
        }
    }

    // The trainer's backbone, default init: 12 blocks deep, so errors have room to grow; reported, not gated.
    private void DinoVitS14()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var model = new DinoVisionTransformer(sizes.TrainerModel);
        model.eval();
        Tensor images = NormalizedImages(2, sizes.VitSize, sizes.VitSize, new Generator(12));
        Compare(model, images, $"dinov2.{sizes.TrainerModel.Name}", gate: false, intermediate: false);
    }

    private void Compare(DinoVisionTransformer model, Tensor images, string name, bool gate, bool intermediate)
    {
        model.to(CPU);
        var cpu = Forward(model, images, intermediate);
        model.to(gpu);
        var dev = Forward(model, images.to(gpu), intermediate);
        for (int i = 0; i < cpu.Count; i++)
            Add($"{name}.{cpu[i].Name}", "abs", dev[i].Value, cpu[i].Value, cpu[i].Name.StartsWith("x_prenorm", StringComparison.Ordinal) ? PrenormTol : NormTol, gate);
        model.to(CPU);
    }

    private static List<(string Name, Tensor Value)> Forward(DinoVisionTransformer model, Tensor images, bool intermediate)
    {
        using var _ = no_grad();
        var f = model.forward(images);
        var outputs = new List<(string, Tensor)>
        {
            ("x_norm_patchtokens", f.PatchTokens.cpu()),
            ("x_norm_clstoken", f.ClassToken.cpu()),
            ("x_prenorm", f.Prenorm.cpu()),
        };
        if (intermediate)
        {
            var layers = model.IntermediateLayers(images, 2);
            for (int i = 0; i < layers.Count; i++)
            {
                outputs.Add(($"gil_n2_patch_{i}", layers[i].Patches.cpu()));
                outputs.Add(($"gil_n2_cls_{i}", layers[i].ClassToken.cpu()));
            }
        }
        return outputs;
    }

    // Sinkhorn and the eight loss variants with their gradients, on the shapes of README §3.2 (B 2, T 4, N 16, K 10).
    private void Objective()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(0);
        Tensor prototypes = nn.functional.normalize(randn(10, 32, generator: g), dim: -1);
        Tensor teacher = nn.functional.normalize(randn(new long[] { 2, 4, 16, 32 }, generator: g), dim: -1);
        Tensor student = nn.functional.normalize(teacher + 0.5 * randn(new long[] { 2, 4, 16, 32 }, generator: g), dim: -1);
        Tensor teacherScores = einsum("btnd,kd->btnk", teacher, prototypes);
        Tensor studentScores = einsum("btnd,kd->btnk", student, prototypes);
        Tensor visibility = rand(new long[] { 2, 4, 16 }, generator: g).gt(0.25);
        visibility.select(1, 0).fill_(true);
        Tensor mask = rand(new long[] { 2, 4, 16 }, generator: g).gt(0.1);

        Tensor Q(Tensor scores, Device d) => SinkhornKnopp.Assign(scores.to(d).reshape(-1, 10), 0.05, 10).reshape(2, 4, 16, 10).cpu();
        Tensor qCpu = Q(teacherScores, CPU), qGpu = Q(teacherScores, gpu);
        Add("mosic.sinkhorn.Q", "abs", qGpu, qCpu, SinkhornTol, gate: true);
        Add("mosic.sinkhorn.hard_labels_mismatches", "abs", qGpu.argmax(-1).ne(qCpu.argmax(-1)).sum().to(ScalarType.Float64), tensor(0.0), 0, gate: true);
        Tensor qSelf = Q(studentScores, CPU);

        var variants = new (string Name, LossDirection Direction, TargetKind Targets, bool Masked, bool SelfQ)[]
        {
            ("hard", LossDirection.Reference, TargetKind.Hard, false, false),
            ("hard_symmetric", LossDirection.Symmetric, TargetKind.Hard, false, false),
            ("soft", LossDirection.Reference, TargetKind.Soft, false, false),
            ("soft_symmetric", LossDirection.Symmetric, TargetKind.Soft, false, false),
            ("hard_masked", LossDirection.Reference, TargetKind.Hard, true, false),
            ("hard_symmetric_masked", LossDirection.Symmetric, TargetKind.Hard, true, false),
            ("soft_masked", LossDirection.Reference, TargetKind.Soft, true, false),
            ("hard_selfq", LossDirection.Reference, TargetKind.Hard, false, true),
        };
        foreach (var v in variants)
        {
            var options = new ObjectiveOptions { Direction = v.Direction, Targets = v.Targets };
            (Tensor Loss, Tensor Grad) On(Device d)
            {
                Tensor s = studentScores.to(d).detach().requires_grad_(true);
                Tensor loss = ClusteringLoss.Compute(s, (v.SelfQ ? qSelf : qCpu).to(d), visibility.to(d), options, v.Masked ? mask.to(d) : null);
                loss.backward();
                return (loss.detach().cpu(), s.grad!.cpu());
            }
            var (lossCpu, gradCpu) = On(CPU);
            var (lossGpu, gradGpu) = On(gpu);
            Add($"mosic.loss_{v.Name}", "rel", lossGpu, lossCpu, LossRtol, gate: true);
            Add($"mosic.grad_student_scores_{v.Name}", "abs", gradGpu, gradCpu, GradTol, gate: true);
        }
    }

    // The whole offline model (README §2.2's call: 16 queries, 6 iterations) with the §2.1 weight recipe.
    private void CoTracker()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var model = new CoTrackerThreeOffline();
        GoldenLikeCoTrackerWeights(model, 4321);
        model.eval();
        int t = sizes.CoTrackerParityFrames, h = sizes.CoTrackerParityHeight, w = sizes.CoTrackerParityWidth;
        Tensor video = ParityVideo(t, h, w);
        Tensor queries = ParityQueries(t, h, w);

        CoTrackerOutput Run(Device d)
        {
            model.to(d);
            using var _ = no_grad();
            return model.Track(video.to(d), queries.to(d), iters: 6, recordIterations: true);
        }

        using var cpu = Run(CPU);
        using var dev = Run(gpu);
        model.to(CPU);
        Add("cotracker3.coords", "abs", dev.Coords.cpu(), cpu.Coords, CoordsTol, gate: true);
        Add("cotracker3.vis", "abs", dev.Vis.cpu(), cpu.Vis, ProbTol, gate: true);
        Add("cotracker3.conf", "abs", dev.Conf.cpu(), cpu.Conf, ProbTol, gate: true);
        Add("cotracker3.coords_iters", "abs", stack(dev.CoordsIters).cpu(), stack(cpu.CoordsIters).cpu(), CoordsTol, gate: true);
        Add("cotracker3.vis_logits_iters", "abs", stack(dev.VisLogitsIters).cpu(), stack(cpu.VisLogitsIters).cpu(), LogitTol, gate: true);
        Add("cotracker3.conf_logits_iters", "abs", stack(dev.ConfLogitsIters).cpu(), stack(cpu.ConfLogitsIters).cpu(), LogitTol, gate: true);
    }

    // One whole MoSiC step (tiny ViT, heads, Sinkhorn, loss, backward, AdamW, EMA) on each device from the same seed.
    private void TrainerStep()
    {
        using var scope = NewDisposeScope();
        var options = new MosicTrainerOptions { Vit = VitConfig.Tiny with { ImageSize = sizes.VitSize }, TotalSteps = 2 };
        var g = new Generator(21);
        int b = 2, t = 3, n = 16, s = sizes.VitSize;
        using var batch = new TrainBatch(
            randn(new long[] { b, t, 3, s, s }, generator: g),
            rand(new long[] { b, t, n, 2 }, generator: g).mul_(s - 1),
            ones(new long[] { b, t, n }, ScalarType.Bool));
        (double Loss, Tensor Weights) On(Device d)
        {
            using var trainer = new MosicTrainer(options, d);
            double loss = trainer.Step(batch).Loss;
            Tensor weights = cat(trainer.Student.parameters().Where(p => p.requires_grad).Select(p => p.detach().cpu().flatten()).ToArray(), 0);
            return (loss, weights.DetachFromDisposeScope());
        }
        var (lossCpu, weightsCpu) = On(CPU);
        var (lossGpu, weightsGpu) = On(gpu);
        using (weightsCpu)
        using (weightsGpu)
        {
            Add("trainer.step_loss", "rel", tensor(lossGpu), tensor(lossCpu), LossRtol, gate: false);
            Add("trainer.student_trained_weights_after_step", "abs", weightsGpu, weightsCpu, GradTol, gate: false);
        }
    }

    private void Add(string name, string kind, Tensor actual, Tensor expected, double tolerance, bool gate)
    {
        using var a = actual.cpu().to(ScalarType.Float64);
        using var e = expected.cpu().to(ScalarType.Float64);
        if (!a.shape.SequenceEqual(e.shape))
            throw new InvalidOperationException($"{name}: shapes differ, gpu ({string.Join(", ", a.shape)}) vs cpu ({string.Join(", ", e.shape)})");
        using var diff = (a - e).abs().max();
        using var reference = e.abs().max();
        double error = diff.item<double>(), scale = reference.item<double>();
        if (kind == "rel") error = scale == 0 ? error : error / scale;
        // NaN never passes: NaN <= tolerance is false.
        _checks.Add(new ParityCheck(name, kind, error, tolerance, error <= tolerance, gate, scale));
    }

    private static Tensor NormalizedImages(int count, int height, int width, Generator g)
    {
        Tensor pixels = rand(new long[] { count, 3, height, width }, generator: g);
        Tensor mean = tensor(new[] { 0.485f, 0.456f, 0.406f }).reshape(1, 3, 1, 1);
        Tensor std = tensor(new[] { 0.229f, 0.224f, 0.225f }).reshape(1, 3, 1, 1);
        return (pixels - mean) / std;
    }

    // README §1.1: LayerScale U(0.05, 0.20); LayerNorm weights 1 + 0.25·N; LayerNorm/Linear biases 0.1·N; patch-embed
    // bias 0.02·N; tokens and pos-embed 0.07·N; patch-embed weight 0.07·N/√588; Linear weights N/√fan_in.
    internal static void GoldenLikeVitWeights(DinoVisionTransformer model, long seed)
    {
        var g = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            Tensor n = randn(p.shape, generator: g);
            Tensor value = name switch
            {
                _ when name.EndsWith(".gamma", StringComparison.Ordinal) => rand(p.shape, generator: g) * 0.15 + 0.05,
                "patch_embed.proj.weight" => n * (0.07 / Math.Sqrt(588)),
                "patch_embed.proj.bias" => n * 0.02,
                "pos_embed" or "cls_token" or "register_tokens" or "mask_token" => n * 0.07,
                _ when name.EndsWith(".bias", StringComparison.Ordinal) => n * 0.1,
                _ when p.dim() == 1 => n * 0.25 + 1.0,
                _ => n / Math.Sqrt(p.shape[^1]),
            };
            p.copy_(value);
        }
    }

    // README §2.1: the heads and the correlation MLP re-drawn so that outputs are not degenerate, then every parameter
    // rounded to fp16 and back, as the fixture's weights were.
    internal static void GoldenLikeCoTrackerWeights(CoTrackerThreeOffline model, long seed)
    {
        var g = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            Tensor N() => randn(p.shape, generator: g);
            Tensor? value = name switch
            {
                "corr_mlp.fc1.weight" => N() * (2 / Math.Sqrt(2401)),
                "corr_mlp.fc2.weight" => N() / Math.Sqrt(384),
                "corr_mlp.fc1.bias" or "corr_mlp.fc2.bias" => N() * 0.05,
                "updateformer.flow_head.weight" => N() * 0.015,
                "updateformer.flow_head.bias" => N() * 0.02,
                "updateformer.vis_conf_head.weight" => N() * 0.01,
                "updateformer.vis_conf_head.bias" => tensor(new[] { 0.55f, -0.4f }) + N() * 0.05,
                _ when name.EndsWith("norm_context.weight", StringComparison.Ordinal) => N() * 0.1 + 1.0,
                _ when name.StartsWith("updateformer.", StringComparison.Ordinal) && name.EndsWith(".bias", StringComparison.Ordinal) => N() * 0.05,
                _ => null,
            };
            if (value is not null) p.copy_(value);
            p.copy_(p.to(ScalarType.Float16).to(ScalarType.Float32));
        }
    }

    // README §2.2's video: smooth sinusoids and texture, a bright square moving (+14, +6) px per frame and a dark disk
    // moving (−10, −4), as 0–255 values (rounded, like the fixture's U8), [1, T, 3, H, W].
    private static Tensor ParityVideo(int frames, int height, int width)
    {
        var pixels = new float[frames * 3 * height * width];
        var rng = new Random(5);
        var texture = Enumerable.Range(0, height * width).Select(_ => (float)(rng.NextDouble() * 24 - 12)).ToArray();
        int i = 0;
        for (int t = 0; t < frames; t++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        double v = 128 + 50 * Math.Sin(0.05 * x + 0.9 * c) * Math.Cos(0.04 * y - 0.3 * c) + texture[y * width + x];
                        int sx = x - (width / 5 + 14 * t), sy = y - (height / 4 + 6 * t);
                        if (sx >= 0 && sx < 48 && sy >= 0 && sy < 48) v = 235;
                        double dx = x - (width * 3 / 4 - 10 * t), dy = y - (height * 2 / 3 - 4 * t);
                        if (dx * dx + dy * dy < 30 * 30) v = 20;
                        pixels[i++] = (float)Math.Round(Math.Clamp(v, 0, 255));
                    }
        return tensor(pixels).reshape(1, frames, 3, height, width);
    }

    // README §2.2's queries: most on frame 0 (non-integer coordinates and the bottom-left corner included), then some
    // on later frames; [1, N, 3] as (t, x, y).
    private static Tensor ParityQueries(int frames, int height, int width)
    {
        var q = new List<float>();
        var rng = new Random(9);
        int n = frames >= 8 ? 16 : 8;
        int late = n / 4;
        for (int k = 0; k < n; k++)
        {
            float t = k < n - late ? 0 : Math.Min(frames - 1, 2 + (k - (n - late)) * 2);
            float x = k == 1 ? 0 : (float)(rng.NextDouble() * (width - 1));
            float y = k == 1 ? height - 1 : (float)(rng.NextDouble() * (height - 1));
            if (k == 2) { x = (float)Math.Round(x); y = (float)Math.Round(y); }
            q.AddRange([t, x, y]);
        }
        return tensor(q.ToArray()).reshape(1, n, 3);
    }
}
