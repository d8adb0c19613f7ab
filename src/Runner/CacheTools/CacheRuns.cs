using System.Globalization;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;

namespace MoSiC.Stream.Runner.CacheTools;

/// <summary>What the <c>cache</c> commands do, given a pipeline (for its cache folder, corpus and track set) or a folder.</summary>
internal static class CacheRuns
{
    public static Task<int> ListAsync(string? pipelinePath, string? dir, CancellationToken ct) => Guard(() =>
    {
        TrajectoryCache cache = TrajectoryCache.Open(CacheDir(pipelinePath, dir));
        IReadOnlyList<PartitionListing> partitions = cache.List();
        Console.WriteLine($"cache {cache.Dir}: {partitions.Count} partition(s)");
        foreach (PartitionListing p in partitions)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  tracker={p.Id}  videos {p.Videos}  clips {p.Clips}  rows {p.Rows}  parts {p.Parts}  bytes {p.Bytes} ({p.Bytes / 1e6:0.0} MB)"));
            if (p.Set is { } set) Console.WriteLine($"    {set.Tracker} | queries {set.Queries} | decode {set.Decode} | sampler {set.Sampler}");
        }

        return Task.FromResult(0);
    });

    public static Task<int> VerifyAsync(string? pipelinePath, string? dir, bool repair, CancellationToken ct) => Guard(async () =>
    {
        TrajectoryCache cache = TrajectoryCache.Open(CacheDir(pipelinePath, dir));
        VerifyReport report = await cache.VerifyAsync(repair, ct);
        foreach (CacheProblem problem in report.Problems) Console.WriteLine($"  problem: {problem}");
        foreach (CacheProblem fixedProblem in report.Repaired) Console.WriteLine($"  repaired: {fixedProblem}");
        Console.WriteLine(report.Clean
            ? $"cache {cache.Dir}: ok ({report.PartsChecked} parts checked)"
            : $"cache {cache.Dir}: {report.Problems.Count} problem(s) in {report.PartsChecked} parts{(repair ? $"; repaired {report.Repaired.Count}, {report.ClipsLost} clips will be tracked again" : "; run with --repair to drop what is broken")}");
        return report.Clean || (repair && report.Repaired.Count == report.Problems.Count) ? 0 : 1;
    });

    public static Task<int> CollectAsync(string? pipelinePath, CancellationToken ct) => Guard(async () =>
    {
        PipelineOptions options = PipelineSource.Load(pipelinePath);
        TrajectoryCache cache = TrajectoryCache.Open(options.Cache.Dir);
        HashIndex hashes = HashIndex.Load(cache.Dir);
        if (hashes.Problem is not null) Console.Error.WriteLine(hashes.Problem);
        IReadOnlyDictionary<string, string?> samples = cache.RecordedSamples();
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (VideoSource video in CorpusDiscovery.Discover(options.Corpus, options.Corpus.ResolvedRoot).Videos)
        {
            keep.Add(await hashes.HashAsync(video, h => samples.GetValueOrDefault(h), ct));
        }

        await hashes.SaveAsync(ct);
        CollectReport report = await cache.CollectAsync(keep, ct);
        foreach (CacheProblem skipped in report.Skipped) Console.WriteLine($"  skipped: {skipped}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cache {cache.Dir}: kept the tracks of {keep.Count} corpus videos; removed {report.ClipsRemoved} clips ({report.PartsDeleted} parts deleted, {report.PartsRewritten} rewritten, {report.BytesFreed / 1e6:0.0} MB freed)"));
        return 0;
    });

    public static Task<int> ExportAsync(string videoPath, string? pipelinePath, string? dir, string format, string? outputPath, CancellationToken ct) => Guard(async () =>
    {
        PipelineOptions options = PipelineSource.Load(pipelinePath);
        if (!File.Exists(videoPath) && !Directory.Exists(videoPath)) throw new FileNotFoundException($"{videoPath}: no such video file or frame folder", videoPath);
        TrajectoryCache cache = TrajectoryCache.Open(dir ?? options.Cache.Dir);
        VideoSource source = VideoSource.FromPath(videoPath, options.Corpus.FrameExtensions, options.Corpus.FrameFolderFps);
        HashIndex hashes = HashIndex.Load(cache.Dir);
        if (hashes.Problem is not null) Console.Error.WriteLine(hashes.Problem);
        IReadOnlyDictionary<string, string?> samples = cache.RecordedSamples();
        string hash = await hashes.HashAsync(source, h => samples.GetValueOrDefault(h), ct);

        // With a pipeline named, its own track set; without, the one partition that holds the video.
        TrackSet? set = null;
        if (pipelinePath is not null) set = TrackSets.For(options, TrackerFactory.Identity(options.Tracker), QuerySpec.Grid(options.Tracker.Grid));

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
