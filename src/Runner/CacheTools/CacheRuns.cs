using System.Globalization;
using System.Text.Json;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Runner.Output;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;

namespace MoSiC.Stream.Runner.CacheTools;

/// <summary>What the <c>cache</c> commands do, given a pipeline (for its cache folder, corpus and track set) or a folder.</summary>
internal static class CacheRuns
{
    public static Task<int> ListAsync(string? pipelinePath, string? dir, bool json, bool expectCorpus, CancellationToken ct) => Guard(async () =>
    {
        TrajectoryCache cache = TrajectoryCache.Open(CacheDir(pipelinePath, dir));
        IReadOnlyList<PartitionListing> partitions = cache.List();
        CorpusCoverage? coverage = expectCorpus ? await CorpusCoverage.MeasureAsync(PipelineSource.Load(pipelinePath), cache, ct) : null;
        TextWriter human = json ? Console.Error : Console.Out;
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                cache = cache.Dir,
                partitions = partitions.Select(p => new { id = p.Id, set = p.Set, videos = p.Videos, clips = p.Clips, rows = p.Rows, parts = p.Parts, bytes = p.Bytes }),
                expectCorpus = coverage is null ? null : new { partition = coverage.Partition, videos = coverage.Videos, withTracks = coverage.WithTracks, missing = coverage.Missing },
            }, JsonOutput));
        }
        else
        {
            human.WriteLine($"cache {cache.Dir}: {partitions.Count} partition(s)");
            foreach (PartitionListing p in partitions)
            {
                human.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  tracker={p.Id}  videos {p.Videos}  clips {p.Clips}  rows {p.Rows}  parts {p.Parts}  bytes {p.Bytes} ({p.Bytes / 1e6:0.0} MB)"));
                if (p.Set is { } set) human.WriteLine($"    {set.Tracker} | queries {set.Queries} | decode {set.Decode} | sampler {set.Sampler}");
            }
        }

        if (coverage is null) return ExitCodes.Ok;
        if (coverage.Missing.Count == 0)
        {
            human.WriteLine($"expect-corpus: all {coverage.Videos} corpus videos have tracks in partition tracker={coverage.Partition}");
            return ExitCodes.Ok;
        }

        Console.Error.WriteLine($"expect-corpus: {coverage.Missing.Count} of {coverage.Videos} corpus videos have no tracks in partition tracker={coverage.Partition} " +
            "(a shard that did not run, failed or is still running; videos that cannot be decoded): " + string.Join(", ", coverage.Missing.Take(5).Select(Path.GetFileName)) + (coverage.Missing.Count > 5 ? ", …" : ""));
        return ExitCodes.Failed;
    });

    public static Task<int> VerifyAsync(string? pipelinePath, string? dir, bool repair, bool dryRun, CancellationToken ct) => Guard(async () =>
    {
        TrajectoryCache cache = TrajectoryCache.Open(CacheDir(pipelinePath, dir));
        // A dry run of a repair is a plain verify (it never writes) that says what the repair would do.
        bool write = repair && !dryRun;
        VerifyReport report = await cache.VerifyAsync(write, ct);
        foreach (CacheProblem problem in report.Problems) Console.WriteLine($"  problem: {problem}");
        foreach (CacheProblem fixedProblem in report.Repaired) Console.WriteLine($"  repaired: {fixedProblem}");
        if (repair && dryRun)
        {
            foreach (CacheProblem problem in report.Problems) Console.WriteLine($"  would {(problem.Kind == CacheProblemKind.PartMissing ? "drop from the manifest" : "delete")}: {problem.Path}");
        }

        Console.WriteLine(report.Clean
            ? $"cache {cache.Dir}: ok ({report.PartsChecked} parts checked)"
            : $"cache {cache.Dir}: {report.Problems.Count} problem(s) in {report.PartsChecked} parts" + (write
                ? $"; repaired {report.Repaired.Count}, {report.ClipsLost} clips will be tracked again"
                : repair ? $"; dry run: nothing changed, --repair without --dry-run would make {report.ClipsLost} clips be tracked again" : "; run with --repair to drop what is broken"));
        return report.Clean || (write && report.Repaired.Count == report.Problems.Count) ? ExitCodes.Ok : ExitCodes.Failed;
    });

    public static Task<int> CollectAsync(GcRequest request, CancellationToken ct) => Guard(() => CacheGc.RunAsync(request, Console.Out, Console.Error, ct));

    public static Task<int> ExportAsync(string videoPath, string? pipelinePath, string? dir, string format, string? outputPath, CancellationToken ct) => Guard(async () =>
    {
        PipelineOptions options = PipelineSource.Load(pipelinePath);
        if (!File.Exists(videoPath) && !Directory.Exists(videoPath)) throw new FileNotFoundException($"{videoPath}: no such video file or frame folder", videoPath);
        TrajectoryCache cache = TrajectoryCache.Open(dir ?? options.Cache.Dir);
        VideoSource source = VideoSource.FromPath(videoPath, options.Corpus.FrameExtensions, options.Corpus.FrameFolderFps);
        HashIndex hashes = HashIndex.Load(cache.Dir);
        if (hashes.Problem is not null) Console.Error.WriteLine(hashes.Problem);
        string hash = await hashes.HashAsync(source, ct);

        // With a pipeline named, its own track set; without, the one partition that holds the video.
        TrackSet? set = null;
        if (pipelinePath is not null) set = TrackSets.For(options, TrackerFactory.Identity(options.Tracker), QuerySpec.Grid(options.Tracker.Grid));
        // An uncached video is an error, not an empty export (a CSV header alone reads like a video with no points).
        if (set is not null && cache.FinishedClips(set, hash).Count == 0)
            throw new KeyNotFoundException($"{videoPath} (content {hash[..16]}) has no cached tracks in {cache.Dir} for this pipeline's settings (partition tracker={set.Id}): run mosic-stream track {pipelinePath} first");

        ExportFormat kind = format == "json" ? ExportFormat.Json : ExportFormat.Csv;
        if (outputPath is null)
        {
            await cache.ExportAsync(set, hash, kind, Console.Out, ct);
        }
        else
        {
            await using var writer = new StreamWriter(outputPath);
            await cache.ExportAsync(set, hash, kind, writer, ct);
        }

        return 0;
    });

    private static readonly JsonSerializerOptions JsonOutput = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static string CacheDir(string? pipelinePath, string? dir) => dir ?? PipelineSource.Load(pipelinePath).Cache.Dir;

    // User errors (bad pipeline, missing video, video not in the cache) end with their message and exit 1, not a stack trace.
    private static async Task<int> Guard(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is OptionsException or IOException or UnauthorizedAccessException or KeyNotFoundException or ArgumentException or InvalidOperationException or InvalidDataException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
