using System.Diagnostics;
using System.Globalization;
using System.Text;
using MoSiC.Stream.Eval.Segmentation;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Bench;

/// <summary>
/// <c>mosic-bench eval</c>: throughput of the unsupervised video segmentation eval in the dataset-wise protocol
/// (one PCA + k-means over every patch of every clip, one matching), split into its phases: decode + normalise,
/// frozen features, PCA, k-means, and the whole clustering + scoring (<see cref="ClipSegmentationEval.EvaluateDataset"/>).
/// </summary>
internal static class EvalBench
{
    public const string Usage =
        """
        usage: mosic-bench eval [--data DIR]... [--model M] [--checkpoint PTH] [--frames T] [--stride S] [--size S] [-k K] [--restarts R] [--threads N] [--out results.md]

          --data DIR     a DAVIS-layout folder or synthetic corpus (repeatable; default: every davis2016_* in ../shared/data/real)
          --model M      ViT configuration (default tiny), random init from seed 0 unless --checkpoint
          --frames T     annotated frames per clip at most (default 1000: all)
          --stride S     every S-th annotated frame (default 1)
          --size S       input side (default 224)
          -k K           clusters (default 2)
          --restarts R   k-means restarts (default 10)
          --threads N    LibTorch intra-op threads (default 2)
          --out FILE     also write the Markdown report to FILE
        """;

    private sealed record Options(string[] Data, string Model, string? Checkpoint, int Frames, int Stride, int Size, int K, int Restarts, int Threads, string? Out);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (!BenchSupport.TryParse("eval", Usage, () => Parse(args), out Options o)) return 2;
        TorchRuntime.EnsureLoaded();
        set_num_threads(o.Threads);
        var clips = o.Data.SelectMany(VideoSegmentationClip.Discover).ToArray();
        manual_seed(0);
        using var model = new DinoVisionTransformer(VitConfig.FromName(o.Model));
        if (o.Checkpoint is not null) VitCheckpointLoader.Load(model, o.Checkpoint);
        int grid = o.Size / model.Config.PatchSize;

        double decodeS = 0, featureS = 0;
        int frames = 0;
        using var scope = NewDisposeScope();
        var loaded = new List<(Tensor Features, IReadOnlyList<LabelMap> Masks)>();
        var clock = new Stopwatch();
        foreach (var clip in clips)
        {
            var stems = clip.SelectFrames(o.Frames, o.Stride);
            clock.Restart();
            var masks = clip.ReadMasks(stems);
            Tensor x = await clip.LoadFramesAsync(stems, o.Size, ct);
            decodeS += clock.Elapsed.TotalSeconds;
            clock.Restart();
            loaded.Add((FeatureNormalisation.PatchFeatures(model, x), masks));
            featureS += clock.Elapsed.TotalSeconds;
            frames += stems.Count;
            Console.Error.WriteLine($"{clip.Name}: {stems.Count} frames");
        }

        Tensor all = cat(loaded.Select(l => l.Features.reshape(-1, l.Features.shape[2])).ToArray(), 0);
        clock.Restart();
        Tensor reduced = Pca.FitTransform(all, 50);
        double pcaS = clock.Elapsed.TotalSeconds;
        clock.Restart();
        using var km = KMeans.Fit(reduced, new KMeansOptions(o.K, o.Restarts, Seed: 0));
        double kmeansS = clock.Elapsed.TotalSeconds;
        int labels = Math.Max(2, loaded.SelectMany(l => l.Masks).Max(m => m.MaxLabel) + 1);
        clock.Restart();
        var (miou, _) = ClipSegmentationEval.EvaluateDataset(loaded, grid, grid, labels, new ClipEvalOptions(o.K, ClusteringScope.PerDataset, Restarts: o.Restarts, Seed: 0));
        double evalS = clock.Elapsed.TotalSeconds;

        var inv = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        double total = decodeS + featureS + evalS;
        report.AppendLine(inv, $"{clips.Length} clips, {frames} frames at {o.Size}² ({grid}×{grid} patches, {all.shape[0]} patches × {all.shape[1]} dims); " +
                               $"model {o.Model}{(o.Checkpoint is null ? " (random init)" : "")}; K {o.K}, {o.Restarts} restarts; {get_num_threads()} LibTorch threads. " +
                               $"Dataset mIoU {100 * miou:F2}.");
        report.AppendLine();
        report.AppendLine("| phase | s | frames/s |");
        report.AppendLine("|---|---:|---:|");
        void Row(string name, double s) => report.AppendLine(inv, $"| {name} | {s:F2} | {frames / s:F1} |");
        Row("decode + normalise (ffmpeg, stretch)", decodeS);
        Row("frozen patch features", featureS);
        Row("PCA (StandardScaler + eigh, float64) alone", pcaS);
        report.AppendLine(inv, $"| k-means alone ({o.Restarts} restarts, {km.Iterations} iterations in the best) | {kmeansS:F2} | {frames / kmeansS:F1} |");
        Row("clustering + upsampling + matching (EvaluateDataset: PCA, k-means, scoring)", evalS);
        Row("**end to end** (decode + features + EvaluateDataset)", total);
        Console.Write(report);
        if (o.Out is not null) await File.WriteAllTextAsync(o.Out, report.ToString(), ct);
        return 0;
    }

    private static Options Parse(string[] args)
    {
        var data = new List<string>();
        Options o = BenchSupport.ParseOptions(args, new Options([], "tiny", null, 1000, 1, 224, 2, 10, 2, null), (given, name, value) => name switch
        {
            "--data" => Add(given, value),
            "--model" => given with { Model = value },
            "--checkpoint" => given with { Checkpoint = value },
            "--frames" => given with { Frames = BenchSupport.Int(value) },
            "--stride" => given with { Stride = BenchSupport.Int(value) },
            "--size" => given with { Size = BenchSupport.Int(value) },
            "-k" => given with { K = BenchSupport.Int(value) },
            "--restarts" => given with { Restarts = BenchSupport.Int(value) },
            "--threads" => given with { Threads = BenchSupport.Int(value) },
            "--out" => given with { Out = value },
            _ => throw new ArgumentException($"unknown option {name}"),
        });
        Options Add(Options given, string value)
        {
            data.Add(value);
            return given;
        }
        if (data.Count == 0)
        {
            string real = Path.Combine(BenchSupport.RepositoryRoot() ?? ".", "..", "shared", "data", "real");
            data.AddRange(Directory.Exists(real) ? Directory.EnumerateDirectories(real, "davis2016_*").Order(StringComparer.Ordinal) : []);
        }
        if (data.Count == 0) throw new ArgumentException("no --data given and no davis2016_* in ../shared/data/real");
        if (o.Frames < 1 || o.Stride < 1 || o.Size < 14 || o.K < 1 || o.Restarts < 1 || o.Threads < 1)
            throw new ArgumentException("--frames, --stride, -k, --restarts, --threads ≥ 1; --size ≥ 14");
        VitConfig.FromName(o.Model);
        return o with { Data = data.ToArray() };
    }
}
