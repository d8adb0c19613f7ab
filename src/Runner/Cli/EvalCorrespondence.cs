using System.Globalization;
using MoSiC.Stream.Eval.Correspondence;
using MoSiC.Stream.Eval.Tracking;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Checkpoints;
using MoSiC.Stream.Model.Train.Persist;
using MoSiC.Stream.Model.Vit;
using static TorchSharp.torch;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream eval --correspondence</c>: the backbone's temporal correspondence on point-track ground truth,
/// and, with <c>--teacher</c>, a training checkpoint's teacher's label consistency (<see cref="CorrespondenceEval"/>).</summary>
internal static class EvalCorrespondence
{
    public static async Task<int> RunAsync(IReadOnlyList<string> sets, VitConfig config, string? checkpoint, ulong initSeed, string? teacherPath,
        CorrespondenceOptions options, string? outDir, CancellationToken ct)
    {
        var truths = new List<TrackingGroundTruth>();
        foreach (string set in sets)
        {
            try { truths.AddRange(GroundTruthSources.Find(set)); }
            catch (Exception e) when (e is IOException or InvalidDataException) { return Fail(e.Message); }
        }
        TorchRuntime.EnsureLoaded();
        // Same seed, same architecture as MosicTrainer's random init (see EvalCommand).
        manual_seed((long)initSeed);
        using var model = new DinoVisionTransformer(config with { ImageSize = options.ImageSize });
        ClusteringTeacher? teacher = null;
        try
        {
            if (checkpoint is not null) VitCheckpointLoader.Load(model, checkpoint);
            if (teacherPath is not null)
            {
                var (backbone, head, prototypes) = TrainCheckpoint.LoadTeacher(teacherPath);
                teacher = new ClusteringTeacher(backbone, head, prototypes);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or CheckpointMismatchException or UnauthorizedAccessException or KeyNotFoundException or ArgumentException)
        {
            teacher?.Dispose();
            return Fail(e.Message);
        }

        using (teacher)
        {
            string backbone = checkpoint is null ? $"random:{config.Name}:seed{initSeed}" : $"{config.Name}:{Path.GetFullPath(checkpoint)}";
            CorrespondenceReport report = await CorrespondenceEval.RunAsync(truths, model, backbone, teacher,
                teacherPath is null ? null : Path.GetFullPath(teacherPath), options, outDir, ct);
            Print(report);
            return 0;
        }
    }

    private static void Print(CorrespondenceReport r)
    {
        static string Cell(BootstrapMean? m) => m is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{100 * m.Mean:F1} [{100 * m.Low:F1}, {100 * m.High:F1}]");
        Console.WriteLine($"backbone {r.Backbone}; nearest neighbour within ±{r.Radius} patch at {r.ImageSize}²; mean over videos [95% bootstrap interval], %");
        if (r.Teacher is not null) Console.WriteLine($"teacher {r.Teacher}");
        Console.WriteLine($"{"gap",-6} {"videos",6} {"points",7} {"hit rate",22} {"chance",7} {"same object",22} {"label consistency",22}");
        foreach (GapScore g in r.Gaps)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{g.Gap,-6} {g.Videos,6} {g.Points,7} {Cell(g.HitRate),22} {100 * g.Chance.Mean,7:F1} {Cell(g.SameObject),22} {Cell(g.LabelConsistency),22}"));
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"mosic-stream eval: {message}");
        return 1;
    }
}
