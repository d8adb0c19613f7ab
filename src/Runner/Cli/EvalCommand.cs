using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Eval.Segmentation;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Runner.Checkpoints;
using static TorchSharp.torch;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>
/// <c>mosic-stream eval</c>: unsupervised video segmentation of frozen patch features on DAVIS / YouTube-VOS layout
/// folders and synthetic corpora: per-frame, per-clip and per-dataset scopes, eval.json, overlays; <c>--compare A B</c>
/// evaluates two backbones on the same data in one run (or sets two earlier reports side by side).
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var datasets = new Argument<string[]>("dataset")
        {
            Description = "Folder with JPEGImages/ and Annotations/ (one sequence, or one sub-folder per sequence), or a synthetic corpus (corpus.json: videos/*.mp4, Annotations/<video>/*.png).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var compare = new Option<string[]>("--compare")
        {
            Description = "Two backbones side by side with B − A. With datasets: A and B are checkpoint files or 'random' (seeded by --init-seed, default --seed), both evaluated here on the same clips (eval.json under OUT/a and OUT/b); without: two earlier eval.json files (or --out folders).",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var arch = new Option<string>("--arch") { Description = "Backbone architecture (tiny, vits14, vitb14, vits14_reg4, ...).", DefaultValueFactory = _ => "tiny" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Backbone weights (our checkpoint or an official DINOv2 file); random init from --init-seed (default --seed) when absent." };
        var clusters = new Option<string>("--clusters", "-k") { Description = "K of k-means, or auto (the number of labels present in the scope, TimeT's annotation-driven K); a comma list scores each on the same features, the first is the headline.", DefaultValueFactory = _ => "auto,10" };
        var scope = new Option<string>("--scope") { Description = "per-frame (each frame clustered and matched alone: the paper's headline), per-clip (one clustering per clip), or per-dataset (one for all clips); a comma list scores each.", DefaultValueFactory = _ => "per-frame" };
        var level = new Option<string>("--level") { Description = "pixel (TimeT: PCA maps bilinearly upsampled to the eval size, then k-means on pixels) or patch (k-means on patches, ids upsampled nearest).", DefaultValueFactory = _ => "pixel" };
        var sampling = new Option<string>("--frame-sampling") { Description = "first (every --stride-th annotated frame from the start, at most --frames) or random (TimeT: --frames distinct annotated frames at random, sorted; seeded).", DefaultValueFactory = _ => "first" };
        var iterations = new Option<int>("--iterations") { Description = "k-means Lloyd iterations per restart at most (TimeT/faiss: 50).", DefaultValueFactory = _ => 50 };
        var correspondence = new Option<bool>("--correspondence") { Description = "Temporal correspondence instead of segmentation, on ground truth with point tracks (synthetic corpora, BADJA items): nearest-neighbour hit rate within ±1 patch per frame gap, same-object rate (synthetic), label consistency of --teacher; mean and bootstrap 95% interval over videos." };
        var gaps = new Option<string>("--gaps") { Description = "Frame gaps for --correspondence (the last frame is always added).", DefaultValueFactory = _ => "4,8,16" };
        var teacher = new Option<string?>("--teacher") { Description = "A training checkpoint (checkpoints/epoch-N.safetensors): --correspondence also reports how often its teacher keeps a track's frame-0 prototype." };
        var frames = new Option<int>("--frames") { Description = "Annotated frames per clip at most.", DefaultValueFactory = _ => 8 };
        var stride = new Option<int>("--stride") { Description = "Take every n-th annotated frame.", DefaultValueFactory = _ => 1 };
        var size = new Option<int>("--size") { Description = "Input size (frames stretched to size×size).", DefaultValueFactory = _ => 224 };
        var pca = new Option<int>("--pca") { Description = "PCA dimensions.", DefaultValueFactory = _ => 50 };
        var restarts = new Option<int>("--restarts") { Description = "k-means restarts (TimeT/faiss: 5).", DefaultValueFactory = _ => 5 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of k-means (and of a random-init backbone unless --init-seed).", DefaultValueFactory = _ => 0 };
        var initSeed = new Option<ulong?>("--init-seed") { Description = "Seed of a random-init backbone (default: --seed); trainer.seed of a run gives that run's initialisation." };
        var output = new Option<string?>("--out") { Description = "Folder for eval.json." };
        var viz = new Option<string?>("--viz") { Description = "Folder for overlay pictures: <clip>/<frame>.png, prediction (matched label colours) beside the ground truth." };
        var command = new Command("eval", "Evaluate frozen features: unsupervised video segmentation (StandardScaler + PCA, k-means, Hungarian-matched mIoU), per frame, clip or dataset; --compare sets two runs side by side.")
        {
            datasets, arch, checkpoint, clusters, scope, level, sampling, frames, stride, size, pca, restarts, iterations, seed, initSeed, output, viz, compare,
            correspondence, gaps, teacher,
        };
        command.SetAction(async (result, ct) =>
        {
            string[] sets = result.GetValue(datasets) ?? [];
            string[]? pair = result.GetValue(compare) is { Length: 2 } p ? p : null;
            if (pair is not null && sets.Length == 0)
            {
                try
                {
                    Console.Write(EvalComparison.Table(EvalComparison.Load(pair[0]), EvalComparison.Load(pair[1])));
                    return 0;
                }
                catch (Exception e) when (e is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
                {
                    return Fail(e.Message);
                }
            }
            if (sets.Length == 0) return Fail("give at least one dataset folder (or --compare A.json B.json)");
            VitConfig config;
            try { config = VitConfig.FromName(result.GetValue(arch)!); }
            catch (ArgumentException e) { return Fail(e.Message); }
            ulong seedValue = result.GetValue(seed), initSeedValue = result.GetValue(initSeed) ?? seedValue;
            string? outDir = result.GetValue(output), vizDir = result.GetValue(viz);
            // Before any work: an --out that is a file used to fail only after the whole evaluation.
            if (outDir is not null && OutputPaths.FolderProblem(outDir) is { } outProblem) return Fail($"--out \"{outDir}\" {outProblem}; name a folder for eval.json");
            if (vizDir is not null && OutputPaths.FolderProblem(vizDir) is { } vizProblem) return Fail($"--viz \"{vizDir}\" {vizProblem}; name a folder for the overlay pictures");
            if (result.GetValue(correspondence))
            {
                if (pair is not null) return Fail("--correspondence scores one backbone; leave out --compare");
                if (EvalSettings.Gaps(result.GetValue(gaps)!) is not { } gapList) return Fail($"--gaps must be a comma list of positive frame gaps, got '{result.GetValue(gaps)}'");
                return await EvalCorrespondence.RunAsync(sets, config, result.GetValue(checkpoint), initSeedValue, result.GetValue(teacher),
                    new Eval.Correspondence.CorrespondenceOptions(gapList, result.GetValue(size), Seed: (int)seedValue), outDir, ct);
            }
            if (EvalSettings.Scopes(result.GetValue(scope)!) is not { } scopes) return Fail($"--scope must be per-frame, per-clip or per-dataset (or a comma list of them), got '{result.GetValue(scope)}'");
            if (EvalSettings.Clusters(result.GetValue(clusters)!) is not { } ks) return Fail($"-k must be auto or a number of clusters ≥ 1 (or a comma list of them), got '{result.GetValue(clusters)}'");
            ClusteringLevel? lv = result.GetValue(level) switch { "pixel" => ClusteringLevel.Pixel, "patch" => ClusteringLevel.Patch, _ => null };
            if (lv is null) return Fail($"--level must be pixel or patch, got '{result.GetValue(level)}'");
            FrameSampling? fs = result.GetValue(sampling) switch { "first" => FrameSampling.First, "random" => FrameSampling.Random, _ => null };
            if (fs is null) return Fail($"--frame-sampling must be first or random, got '{result.GetValue(sampling)}'");
            var clips = new List<VideoSegmentationClip>();
            foreach (string d in sets)
            {
                try { clips.AddRange(VideoSegmentationClip.Discover(d)); }
                catch (Exception e) when (e is IOException or InvalidDataException) { return Fail(e.Message); }
            }
            if (clips.Count == 0) return Fail("no sequences found");
            // A sequence with no frame that has a mask scores NaN; with none at all there is nothing to evaluate.
            int framesValue = result.GetValue(frames), strideValue = result.GetValue(stride);
            string[] unannotated = clips.Where(c => c.SelectFrames(framesValue, strideValue).Count == 0).Select(c => c.Name).ToArray();
            if (unannotated.Length == clips.Count)
                return Fail($"no annotated frame to score: no frame of {string.Join(", ", unannotated)} has a mask PNG of the same name (is Annotations/ empty?)");
            if (unannotated.Length > 0)
            {
                Console.Error.WriteLine($"mosic-stream eval: left out {unannotated.Length} sequence(s) with no annotated frame: {string.Join(", ", unannotated)}");
                clips.RemoveAll(c => unannotated.Contains(c.Name));
            }

            TorchRuntime.EnsureLoaded();
            var options = new VideoSegmentationEvalOptions(
                new ClipEvalOptions(ks[0], scopes[0], result.GetValue(pca), result.GetValue(restarts), result.GetValue(iterations), seedValue, lv.Value, result.GetValue(size)),
                framesValue, strideValue, result.GetValue(size), vizDir, fs.Value,
                [.. scopes.SelectMany(sc => ks.Select(k => new EvalVariant(sc, k)))]);
            if (pair is null)
            {
                var report = await EvaluateAsync(result.GetValue(checkpoint), config, initSeedValue, clips, options, outDir, ct);
                if (report is null) return 1;
                PrintTable(report);
                return double.IsFinite(report.MeanClipMiou) ? 0 : Fail("the mean mIoU is not a number: no clip could be scored");
            }
            if (result.GetValue(checkpoint) is not null) return Fail("--compare A B names both backbones; leave out --checkpoint");
            // Two backbones on the same clips and settings: A's files under OUT/a (VIZ/a), B's under OUT/b (VIZ/b).
            var reports = new VideoSegmentationReport[2];
            for (int i = 0; i < 2; i++)
            {
                string side = i == 0 ? "a" : "b";
                string? spec = string.Equals(pair[i], RandomBackbone, StringComparison.Ordinal) ? null : pair[i];
                var r = await EvaluateAsync(spec, config, initSeedValue, clips,
                    options with { VizDir = vizDir is null ? null : Path.Combine(vizDir, side) }, outDir is null ? null : Path.Combine(outDir, side), ct);
                if (r is null) return 1;
                reports[i] = r;
            }
            Console.Write(EvalComparison.Table(reports[0], reports[1]));
            return 0;
        });
        return command.WithExamples(
            ("mosic-stream eval DAVIS/ --checkpoint .mosic/sample-checkpoints/student-backbone.safetensors --arch tiny --out eval/", "score a trained backbone; eval/eval.json"),
            ("mosic-stream eval DAVIS/ --arch vits14 --compare dinov2_vits14.pth student.safetensors --out cmp/", "two backbones on the same clips, B − A"),
            ("mosic-stream eval --compare runA/eval.json runB/eval.json", "two earlier reports side by side"));
    }

    /// <summary>The <c>--compare</c> name of a random-init backbone (seeded by <c>--init-seed</c>, default <c>--seed</c>).</summary>
    private const string RandomBackbone = "random";

    /// <summary>Builds the backbone (random init from <paramref name="initSeed"/>, then <paramref name="checkpoint"/> when given) and evaluates it; null after printing the error.</summary>
    private static async Task<VideoSegmentationReport?> EvaluateAsync(string? checkpoint, VitConfig config, ulong initSeed,
        IReadOnlyList<VideoSegmentationClip> clips, VideoSegmentationEvalOptions options, string? outDir, CancellationToken ct)
    {
        // Same seed, same architecture as MosicTrainer's random init: the random backbone is the trainer's initialisation.
        manual_seed((long)initSeed);
        using var model = new DinoVisionTransformer(config);
        if (checkpoint is not null)
        {
            try { VitCheckpointLoader.Load(model, checkpoint); }
            catch (Exception e) when (e is IOException or InvalidDataException or CheckpointMismatchException or UnauthorizedAccessException)
            {
                Fail(CheckpointErrors.Explain(checkpoint, config.Name, "--arch", e));
                return null;
            }
        }
        string backbone = checkpoint is null ? $"{VideoSegmentationReport.RandomPrefix}{config.Name}:seed{initSeed}" : $"{config.Name}:{Path.GetFullPath(checkpoint)}";
        return await VideoSegmentationEval.RunAsync(clips, model, backbone, options, outDir, ct);
    }

    private static void PrintTable(VideoSegmentationReport report)
    {
        Console.WriteLine($"backbone {report.Backbone}; K {report.K}; scope {report.Scope}; {report.Level} level at {report.EvalSize}²; frames {report.FrameSampling}");
        if (report.RandomInit)
            Console.WriteLine("RANDOM INIT: no --checkpoint was given, so these are the scores of random features (a baseline), not of a trained backbone");
        // bg-only: the floor, background predicted everywhere on the same frames.
        Console.WriteLine($"{"clip",-32} {"frames",6} {"mIoU",8} {"bg-only",8}");
        foreach (var c in report.Clips)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Clip,-32} {c.Frames.Length,6} {100 * c.ClipMiou,8:F2} {100 * c.BackgroundMiou,8:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"mean over clips",-32} {"",6} {100 * report.MeanClipMiou,8:F2} {100 * report.MeanBackgroundMiou,8:F2}"));
        if (report.DatasetMiou is { } dm)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"dataset (one matching)",-32} {"",6} {100 * dm,8:F2}"));
        if (report.Results is not { Length: > 1 } results) return;
        Console.WriteLine();
        Console.WriteLine($"{"scope",-12} {"K",5} {"frames mIoU",12} {"clips mIoU",11} {"dataset",8} {"bg-only",8}");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Scope,-12} {r.K,5} {100 * r.MeanFrameMiou,12:F2} {100 * r.MeanClipMiou,11:F2} {(r.DatasetMiou is { } d ? (100 * d).ToString("F2", CultureInfo.InvariantCulture) : ""),8} {100 * r.MeanBackgroundMiou,8:F2}"));
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"mosic-stream eval: {message}");
        return 1;
    }
}
