using System.Globalization;
using System.Reflection;
using System.Text.Json;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Training;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// <c>run.json</c>: what a run did, for machines: counts, failures with reasons, per-stage timings, the settings that
/// shaped it and the versions that ran it. Written for every run, stopped or not.
/// </summary>
internal static class RunReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static object Create(PreparedRun prepared, ExecutedRun executed, PipelineSnapshot end, string? stopReason, int exitCode)
    {
        RunSnapshot run = end.Run;
        PipelineOptions options = prepared.Options;
        TrainerOptions t = options.Trainer;
        TrainSession? session = prepared.Session;
        StreamingGraph graph = executed.Graph;
        TrackSet set = prepared.Set;
        return new
        {
            pipeline = options.Name,
            source = prepared.Source,
            mode = prepared.Request.Mode.ToString().ToLowerInvariant(),
            shard = prepared.Request.Shard.ToString(),
            startedUtc = executed.Started,
            elapsedSeconds = end.Elapsed.TotalSeconds,
            exitCode,
            stopReason,
            versions = new
            {
                mosicStream = Version(typeof(RunReport).Assembly),
                torchSharp = Version(typeof(TorchSharp.torch).Assembly),
                parquetNet = Version(typeof(Parquet.ParquetReader).Assembly),
                dotnet = Environment.Version.ToString(),
                os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            },
            process = new
            {
                peakWorkingSetBytes = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64,
                managedHeapBytes = GC.GetGCMemoryInfo().HeapSizeBytes,
                threadPoolThreads = ThreadPool.ThreadCount,
                threads = System.Diagnostics.Process.GetCurrentProcess().Threads.Count,
            },
            counts = new
            {
                videos = run.VideosTotal,
                videosDone = run.VideosDone,
                videosFailed = run.VideosFailed,
                clipsTracked = run.ClipsTracked,
                clipsCached = run.ClipsCached,
                clipsTrained = run.ClipsTrained,
                partsWritten = graph.PartsWritten,
                steps = run.Step,
                stepsPlanned = run.StepsTotal,
                lastLoss = double.IsFinite(run.Loss) ? run.Loss : (double?)null,
            },
            // runtime.device as set, and as resolved once for tracker and trainer (null when nothing ran on LibTorch).
            device = new { setting = options.Runtime.Device, resolved = prepared.Device?.Name() },
            failures = executed.Failures.Records.Select(f => new { path = f.Path, stage = f.Stage, reason = f.Reason }),
            stages = end.Stages.Select(s => new
            {
                name = s.Name,
                workers = s.Workers,
                itemsIn = s.ItemsIn,
                itemsOut = s.ItemsOut,
                bytesIn = s.BytesIn,
                bytesOut = s.BytesOut,
                busySeconds = s.BusySeconds,
                starvedSeconds = s.StarvedSeconds,
                blockedSeconds = s.BlockedSeconds,
            }),
            buffers = graph.Pipes.Select(p => new { name = p.Name, capacity = p.Capacity, byteCapacity = p.ByteCapacity }),
            trackSet = new { id = set.Id, tracker = set.Tracker, queries = set.Queries, decode = set.Decode, sampler = set.Sampler },
            cacheDir = Path.GetFullPath(options.Cache.Dir),
            threads = options.Runtime.Threads,
            trainer = session is null ? null : new
            {
                device = session.Device,
                model = session.Settings.Vit.Name,
                init = t.Init,
                imageSize = t.ImageSize,
                batchClips = session.BatchSize,
                stepsPerEpoch = session.StepsPerEpoch,
                epochs = t.Epochs,
                totalSteps = session.Settings.TotalSteps,
                finished = session.Finished,
                t.Loss,
                t.Targets,
                t.Sampling,
                t.ReferenceSwapXY,
                t.StudentMaskRatio,
                learningRates = new { backbone = t.LearningRateBackbone, head = t.LearningRateHead },
                t.WeightDecay,
                t.EmaMomentum,
                t.Prototypes,
                t.TrainableBlocks,
                t.SinkhornEpsilon,
                t.SinkhornIterations,
                t.Temperature,
                t.Seed,
                t.ShuffleClips,
                checkpointDir = Path.GetFullPath(t.CheckpointDir),
            },
            // Sinkhorn equipartitions over every point of every frame of the clips in one step; MoSiC's paper setting is 64 clips.
            sinkhornBatchClips = session?.BatchSize,
        };
    }

    /// <summary>
    /// Where the report goes: <c>--report</c> when given; otherwise the checkpoint folder's run.json when the run
    /// trains (next to what it describes) and <c>.mosic/runs/</c> always, one file per run.
    /// </summary>
    public static IEnumerable<string> Paths(RunRequest request, PipelineOptions options, bool trains, string runId)
    {
        if (request.ReportPath is not null)
        {
            yield return request.ReportPath;
            yield break;
        }

        if (trains) yield return Path.Combine(options.Trainer.CheckpointDir, "run.json");
        yield return RunFolders.Report(runId);
    }

    public static async Task WriteAsync(object report, string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(path, Serialize(report)).ConfigureAwait(false);
    }

    /// <summary>The report as run.json holds it (indented, camelCase).</summary>
    public static string Serialize(object report) => JsonSerializer.Serialize(report, Json);

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
