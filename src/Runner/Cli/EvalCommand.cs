using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Eval;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Runner.Eval;
using static TorchSharp.torch;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>
/// <c>mosic-stream eval</c>: unsupervised video segmentation of frozen patch features on DAVIS / YouTube-VOS layout
/// folders (work in progress: per-frame and per-clip scopes, eval.json; no overlays, --compare or per-dataset clustering yet).
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
            Description = "Compare two earlier runs instead: two eval.json files (or --out folders), printed side by side with B − A.",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var arch = new Option<string>("--arch") { Description = "Backbone architecture (tiny, vits14, vitb14, vits14_reg4, ...).", DefaultValueFactory = _ => "tiny" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Backbone weights (our checkpoint or an official DINOv2 file); random init from --seed when absent." };
        var clusters = new Option<int>("--clusters", "-k") { Description = "K of k-means.", DefaultValueFactory = _ => 2 };
        var scope = new Option<string>("--scope") { Description = "per-clip (one clustering per clip), per-frame, or per-dataset (one clustering and matching for all clips).", DefaultValueFactory = _ => "per-clip" };
        var frames = new Option<int>("--frames") { Description = "Annotated frames per clip at most.", DefaultValueFactory = _ => 8 };
        var stride = new Option<int>("--stride") { Description = "Take every n-th annotated frame.", DefaultValueFactory = _ => 1 };
        var size = new Option<int>("--size") { Description = "Input size (frames stretched to size×size).", DefaultValueFactory = _ => 224 };
        var pca = new Option<int>("--pca") { Description = "PCA dimensions.", DefaultValueFactory = _ => 50 };
        var restarts = new Option<int>("--restarts") { Description = "k-means restarts.", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of k-means (and of a random-init backbone).", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Folder for eval.json." };
        var viz = new Option<string?>("--viz") { Description = "Folder for overlay pictures: <clip>/<frame>.png, prediction (matched label colours) beside the ground truth." };
        var command = new Command("eval", "Evaluate frozen features: unsupervised video segmentation (StandardScaler + PCA, k-means, Hungarian-matched mIoU), per frame, clip or dataset; --compare sets two runs side by side.")
        {
            datasets, arch, checkpoint, clusters, scope, frames, stride, size, pca, restarts, seed, output, viz, compare,
        };
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(compare) is { Length: 2 } pair)
            {
                if (result.GetValue(datasets) is { Length: > 0 }) return Fail("--compare takes two eval.json files and no dataset");
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
            if (result.GetValue(datasets) is not { Length: > 0 }) return Fail("give at least one dataset folder (or --compare A B)");
            string scopeText = result.GetValue(scope)!;
            ClusteringScope? s = scopeText switch { "per-clip" => ClusteringScope.PerClip, "per-frame" => ClusteringScope.PerFrame, "per-dataset" => ClusteringScope.PerDataset, _ => null };
            if (s is null) return Fail($"--scope must be per-clip, per-frame or per-dataset, got '{scopeText}'");
            VitConfig config;
            try { config = VitConfig.FromName(result.GetValue(arch)!); }
            catch (ArgumentException e) { return Fail(e.Message); }
            var clips = new List<VideoSegmentationClip>();
            foreach (string d in result.GetValue(datasets)!)
            {
                try { clips.AddRange(VideoSegmentationClip.Discover(d)); }
                catch (IOException e) { return Fail(e.Message); }
            }
            if (clips.Count == 0) return Fail("no sequences found");
            TorchRuntime.EnsureLoaded();
            ulong seedValue = result.GetValue(seed);
            manual_seed((long)seedValue);
            using var model = new DinoVisionTransformer(config);
            string? ckpt = result.GetValue(checkpoint);
            if (ckpt is not null)
            {
                try { VitCheckpointLoader.Load(model, ckpt); }
                catch (Exception e) when (e is IOException or InvalidDataException or CheckpointMismatchException or UnauthorizedAccessException)
                {
                    return Fail($"{ckpt}: {e.Message}");
                }
            }
            string backbone = ckpt is null ? $"random:{config.Name}:seed{seedValue}" : $"{config.Name}:{Path.GetFullPath(ckpt)}";
            var options = new VideoSegmentationEvalOptions(
                new ClipEvalOptions(result.GetValue(clusters), s.Value, result.GetValue(pca), result.GetValue(restarts), Seed: seedValue),
                result.GetValue(frames), result.GetValue(stride), result.GetValue(size), result.GetValue(viz));
            var report = await VideoSegmentationEval.RunAsync(clips, model, backbone, options, result.GetValue(output), ct);
            Console.WriteLine($"backbone {backbone}; K {options.Clustering.Clusters}; scope {report.Scope}");
            Console.WriteLine($"{"clip",-32} {"frames",6} {"mIoU",8}");
            foreach (var c in report.Clips)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Clip,-32} {c.Frames.Length,6} {100 * c.ClipMiou,8:F2}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"mean over clips",-32} {"",6} {100 * report.MeanClipMiou,8:F2}"));
            if (report.DatasetMiou is { } dm)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"dataset (one matching)",-32} {"",6} {100 * dm,8:F2}"));
            return 0;
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"mosic-stream eval: {message}");
        return 1;
    }
}
