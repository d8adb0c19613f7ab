using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Stages.Track.LucasKanade;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Cache.Parquet;

namespace MoSiC.Stream.Bench;

/// <summary>
/// <c>mosic-bench cache</c>: the trajectory cache on real LK tracks. (1) Row shapes: bytes per clip and encode/decode
/// speed of one row per clip (the cache's format) against one row per track and one row per point-frame. (2) The
/// cache through its public API: write and read throughput, bytes per clip, and the cost of reading one clip's tracks
/// against tracking that clip with LK. Variants run interleaved, round by round, in one process.
/// </summary>
internal static class CacheBench
{
    // Passes of the checked/unchecked read comparison (each decodes every part once).
    private const int ReadPasses = 40;

    public const string Usage =
        """
        usage: mosic-bench cache [--file F] [--clips N] [--part B] [--tracked K] [--repeats R] [--dir D] [--out results.md]

          --file F     video whose LK tracks fill the cache (default: ../shared/data/real/sam2_gallery_dog/video.mp4)
          --clips N    clips written and read per round (default 256), 12 frames of 224×224, 16×16 grid
          --part B     clips per part, i.e. per write and per training batch (default 16)
          --tracked K  distinct clips actually tracked (windows of the video at evenly spaced starts), reused under new
                       keys to reach N (default N, so no two clips hold the same tracks and compression is honest)
          --repeats R  timed rounds (default 5), after one warm-up round
          --dir D      folder for the cache (default: a new folder under the temp dir, removed afterwards)
          --out FILE   also write the Markdown report to FILE
        """;

    private const int Frames = 12, Size = 224, Grid = 16, SingleReads = 20;

    private sealed record Options(string? File, int Clips, int Part, int Tracked, int Repeats, string? Dir, string? Out);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (!BenchSupport.TryParse("cache", Usage, () => Parse(args), out Options o)) return 2;

        int tracked = o.Tracked == 0 ? o.Clips : o.Tracked;
        string file = o.File ?? Path.Combine(BenchSupport.RepositoryRoot() ?? ".", "..", "shared", "data", "real", "sam2_gallery_dog", "video.mp4");
        var decode = new DecodeOptions { Resize = ResizeMode.Stretch, Width = Size, Height = Size };
        using DecodedVideo video = await DecodedVideo.LoadAsync(VideoSource.FromFile(file), decode, int.MaxValue, 1, ct);
        if (video.Frames.Count < Frames) throw new InvalidOperationException($"{file}: {video.Frames.Count} frames, need {Frames}");
        // Clip b is the window of 12 frames at start b·stride: overlapping windows still give distinct tracks.
        int stride = Math.Max(1, (video.Frames.Count - Frames) / Math.Max(1, tracked - 1));
        int[] starts = Enumerable.Range(0, tracked).Select(b => Math.Min(b * stride, video.Frames.Count - Frames)).ToArray();
        IReadOnlyList<ReadOnlyMemory<byte>> pixels = video.Pixels;
        TrackClip[] trackClips = starts.Select((s, b) => new TrackClip($"clip{b}", pixels.Skip(s).Take(Frames).ToArray())).ToArray();
        await using var lk = new LucasKanadeTracker(new LucasKanadeOptions(), 1);
        TrackResult tracks;
        await using (var setup = new LucasKanadeTracker(new LucasKanadeOptions(), Environment.ProcessorCount))
        {
            tracks = await setup.TrackAsync(new ClipBatch(Size, Size, trackClips), QuerySpec.Grid(Grid), ct);
        }

        var set = new TrackSet(lk.Identity.Key, QuerySpec.Grid(Grid).Describe(), $"stretch{Size}x{Size}", $"frames{Frames}/v1");
        // Clip i: tracks of tracked clip i mod K, under video i / B, so a part (a write) is one video's clips.
        CachedClip[] clips = Enumerable.Range(0, o.Clips).Select(i => Cached(set, tracks, i % tracked, starts[i % tracked], $"video{i / o.Part}", i % o.Part, video)).ToArray();
        CachedClip[][] parts = clips.Chunk(o.Part).ToArray();
        CachedClip single = Cached(set, tracks, 0, starts[0], "single", 0, video);
        var oneClip = new ClipBatch(Size, Size, [trackClips[0]]);
        double pointFramesPerClip = (double)Frames * Grid * Grid;

        string root = o.Dir ?? Path.Combine(Path.GetTempPath(), "mosic-bench-cache-" + Environment.ProcessId);
        var shapeEncode = CacheRowShapes.All.ToDictionary(s => s.Name, _ => new List<double>());
        var shapeDecode = CacheRowShapes.All.ToDictionary(s => s.Name, _ => new List<double>());
        // CPU seconds as well as wall seconds: on a shared, loaded machine the wall clock mostly measures the neighbours.
        var shapeDecodeCpu = CacheRowShapes.All.ToDictionary(s => s.Name, _ => new List<double>());
        var readAllCpu = new List<double>();
        var shapeBytes = new Dictionary<string, long>();
        var t = new Dictionary<string, List<double>> { ["write"] = [], ["read all"] = [], ["read batch"] = [], ["read one"] = [], ["finished"] = [], ["lk one"] = [] };
        long cacheBytes = 0;
        try
        {
            for (int round = -1; round < o.Repeats; round++)
            {
                foreach (CacheRowShapes.Shape shape in CacheRowShapes.All)
                {
                    var clock = Stopwatch.StartNew();
                    var encoded = new List<byte[]>();
                    foreach (CachedClip[] part in parts) encoded.Add(await shape.Encode(part, ct));
                    double encode = clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    double cpu = BenchSupport.CpuSeconds();
                    int decoded = 0;
                    for (int i = 0; i < encoded.Count; i++) decoded += (await shape.Decode(encoded[i], parts[i].Length, ct)).Count;
                    double decodeSeconds = clock.Elapsed.TotalSeconds;
                    cpu = BenchSupport.CpuSeconds() - cpu;
                    if (decoded != clips.Length) throw new InvalidOperationException($"{shape.Name}: decoded {decoded} clips of {clips.Length}");
                    if (round == -1) CheckExact(shape, parts[0], await shape.Decode(encoded[0], parts[0].Length, ct));
                    if (round < 0) continue;
                    shapeEncode[shape.Name].Add(encode);
                    shapeDecode[shape.Name].Add(decodeSeconds);
                    shapeDecodeCpu[shape.Name].Add(cpu);
                    shapeBytes[shape.Name] = encoded.Sum(b => (long)b.Length);
                }

                string dir = Path.Combine(root, $"round{round + 1}");
                if (Directory.Exists(dir)) Directory.Delete(dir, true);
                var cache = TrajectoryCache.Open(dir, new TrajectoryCacheOptions { CompactAfterDeltas = 0 });
                await cache.WriteAsync(set, [single], ct); // outside timing: the clip the single reads look for

                double Time(Action run)
                {
                    var clock = Stopwatch.StartNew();
                    run();
                    return clock.Elapsed.TotalSeconds;
                }

                async Task<double> TimeAsync(Func<Task> run)
                {
                    var clock = Stopwatch.StartNew();
                    await run();
                    return clock.Elapsed.TotalSeconds;
                }

                async Task<int> CountAsync(string? videoHash)
                {
                    int n = 0;
                    await foreach (CachedClip _ in cache.ReadAsync(set, videoHash, ct)) n++;
                    return n;
                }

                double readCpu = 0;
                var times = new Dictionary<string, double>
                {
                    ["write"] = await TimeAsync(async () => { foreach (CachedClip[] part in parts) await cache.WriteAsync(set, part, ct); }),
                    ["read all"] = await TimeAsync(async () =>
                    {
                        readCpu = BenchSupport.CpuSeconds();
                        Require(await CountAsync(null), clips.Length + 1, "read all");
                        readCpu = BenchSupport.CpuSeconds() - readCpu;
                    }),
                    // Per batch: every video's batch read once, averaged; per single clip: 20 reads, averaged.
                    ["read batch"] = await TimeAsync(async () =>
                    {
                        foreach (CachedClip[] part in parts) Require(await CountAsync(part[0].VideoHash), part.Length, "read batch");
                    }) / parts.Length,
                    ["read one"] = await TimeAsync(async () =>
                    {
                        for (int i = 0; i < SingleReads; i++) Require(await CountAsync(single.VideoHash), 1, "read one");
                    }) / SingleReads,
                    ["finished"] = Time(() => Require(cache.FinishedClips(set).Count, clips.Length + 1, "finished")),
                    ["lk one"] = await TimeAsync(async () => await lk.TrackAsync(oneClip, QuerySpec.Grid(Grid), ct)),
                };
                cacheBytes = cache.List().Single().Bytes - new FileInfo(Directory.GetFiles(Path.Combine(dir, "tracker=" + set.Id), "part-*.parquet")
                    .Single(p => p.EndsWith(PartNameOf(single), StringComparison.Ordinal))).Length;
                if (round >= 0)
                {
                    foreach ((string name, double seconds) in times) t[name].Add(seconds);
                    readAllCpu.Add(readCpu);
                }
            }
        }
        finally
        {
            if (o.Dir is null && Directory.Exists(root)) Directory.Delete(root, true);
        }

        var inv = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.AppendLine(inv, $"Input: {file} → {Size}×{Size}, LK tracks of {tracked} clips × {Frames} frames (windows starting every {stride} frames), {Grid}×{Grid} = {Grid * Grid} points, no confidence; " +
                               $"{o.Clips} clips per round in parts of {o.Part}; Parquet.Net, Snappy; median of {o.Repeats} interleaved rounds after 1 warm-up.");
        report.AppendLine();
        report.AppendLine("**Row shapes** (encode and decode in memory, whole parts, to and from `CachedClip`):");
        report.AppendLine();
        report.AppendLine("| shape | bytes/clip | vs clip rows | encode clips/s | decode clips/s | decode vs clip rows | decode CPU µs/clip |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        string baseline = CacheRowShapes.All[0].Name;
        foreach (CacheRowShapes.Shape shape in CacheRowShapes.All)
        {
            double bytes = shapeBytes[shape.Name] / (double)clips.Length;
            double enc = clips.Length / BenchSupport.Median(shapeEncode[shape.Name]), dec = clips.Length / BenchSupport.Median(shapeDecode[shape.Name]);
            double decBase = clips.Length / BenchSupport.Median(shapeDecode[baseline]);
            report.AppendLine(inv, $"| {shape.Name} | {bytes:0} | {bytes / (shapeBytes[baseline] / (double)clips.Length):0.00} | {enc:0} | {dec:0} | {dec / decBase:0.00} | {BenchSupport.Median(shapeDecodeCpu[shape.Name]) / clips.Length * 1e6:0} |");
        }

        // What the read path's checks cost on their own, against an unchecked decode of the same clips: fastest of 20
        // passes each, the cost when nothing else runs (the medians above move by a third on this shared machine).
        var checkedParts = new List<byte[]>();
        foreach (CachedClip[] part in parts) checkedParts.Add(await PartWriter.EncodeAsync(part, "bench", ct));
        var plainParts = new List<byte[]>();
        foreach (CachedClip[] part in parts) plainParts.Add(await PartWriter.EncodeAsync(part, "bench", PartWriter.Options, ct, checksum: false));
        double Fastest(Action pass) => Enumerable.Range(0, 20).Select(_ => { var c = Stopwatch.StartNew(); pass(); return c.Elapsed.TotalSeconds; }).Min();
        double layout = Fastest(() => { for (int i = 0; i < parts.Length; i++) PartCheck.Run("bench", checkedParts[i], parts[i].Length); });
        double sums = Fastest(() => { foreach (CachedClip c in clips) RowChecksum.Of(c); });
        // And the whole read path both ways, pass by pass: today's format-1 parts decoded without checks against
        // format-2 parts decoded as the cache reads them (layout check, the extra column, every row's checksum). The
        // order alternates, and CPU time is kept beside wall time: on a loaded machine the wall clock mostly measures
        // the neighbours, and whichever runs second would inherit the first one's garbage.
        var decodes = new List<double>();
        var checkedDecodes = new List<double>();
        var decodeCpu = new List<double>();
        var checkedCpu = new List<double>();
        async Task PassAsync(bool check)
        {
            var c = Stopwatch.StartNew();
            double cpu = BenchSupport.CpuSeconds();
            for (int i = 0; i < parts.Length; i++) await PartReader.DecodeAsync("bench", check ? checkedParts[i] : plainParts[i], check ? parts[i].Length : null, ct);
            (check ? checkedCpu : decodeCpu).Add(BenchSupport.CpuSeconds() - cpu);
            (check ? checkedDecodes : decodes).Add(c.Elapsed.TotalSeconds);
        }

        for (int pass = 0; pass < ReadPasses; pass++)
        {
            await PassAsync(pass % 2 == 1);
            await PassAsync(pass % 2 == 0);
        }

        double Median(string name) => BenchSupport.Median(t[name]);
        double writeS = Median("write"), readS = Median("read all");
        double rawMb = clips.Length * (pointFramesPerClip * 9) / 1e6; // x, y as float32 and visible as a byte: what a trainer holds in memory
        report.AppendLine();
        report.AppendLine("**Cache (public API, files on disk, fsync on)**:");
        report.AppendLine();
        report.AppendLine("| measure | value |");
        report.AppendLine("|---|---:|");
        report.AppendLine(inv, $"| bytes per clip on disk | {cacheBytes / (double)clips.Length:0} (raw x, y, visible: {pointFramesPerClip * 9:0}) |");
        report.AppendLine(inv, $"| write, {o.Part} clips per part | {clips.Length / writeS:0} clips/s, {cacheBytes / 1e6 / writeS:0.0} MB/s on disk ({rawMb / writeS:0.0} MB/s of raw tracks) |");
        report.AppendLine(inv, $"| read all ({clips.Length} clips) | {clips.Length / readS:0} clips/s = rows/s, {clips.Length * pointFramesPerClip / readS / 1e6:0.00} M point-frames/s; {BenchSupport.Median(readAllCpu) / (clips.Length + 1) * 1e6:0} µs CPU per clip (fastest round: {t["read all"].Min() / (clips.Length + 1) * 1e6:0} µs wall, {readAllCpu.Min() / (clips.Length + 1) * 1e6:0} µs CPU) |");
        report.AppendLine(inv, $"| checked read vs unchecked (in memory, {ReadPasses} passes each, alternating; median CPU, then fastest wall) | {BenchSupport.Median(decodeCpu) / clips.Length * 1e6:0} → {BenchSupport.Median(checkedCpu) / clips.Length * 1e6:0} µs CPU/clip: {(BenchSupport.Median(checkedCpu) / BenchSupport.Median(decodeCpu) - 1) * 100:+0.0;-0.0}%; fastest wall {decodes.Min() / clips.Length * 1e6:0} → {checkedDecodes.Min() / clips.Length * 1e6:0} µs/clip: {(checkedDecodes.Min() / decodes.Min() - 1) * 100:+0.0;-0.0}% |");
        report.AppendLine(inv, $"| read-path checks alone (fastest of 20) | layout check {layout / clips.Length * 1e6:0.0} µs/clip + row checksum {sums / clips.Length * 1e6:0.0} µs/clip = {(layout + sums) / decodes.Min() * 100:0.0}% of an unchecked decode ({decodes.Min() / clips.Length * 1e6:0} µs/clip) |");
        report.AppendLine(inv, $"| read one batch (one video: {o.Part} clips, one part; mean over the {parts.Length} videos) | {o.Part / Median("read batch"):0} clips/s, {Median("read batch") * 1e3:0.00} ms per batch |");
        report.AppendLine(inv, $"| read one clip (alone in its part; mean of {SingleReads} reads) | {Median("read one") * 1e3:0.00} ms |");
        report.AppendLine(inv, $"| FinishedClips ({clips.Length + 1} clips, {parts.Length + 1} entries) | {Median("finished") * 1e3:0.00} ms |");
        report.AppendLine(inv, $"| track one clip with LK (1 thread) | {Median("lk one") * 1e3:0.00} ms |");
        double[] single1 = t["lk one"].Zip(t["read one"], (a, b) => a / b).Order().ToArray();
        double[] batch1 = t["lk one"].Zip(t["read batch"], (a, b) => a / (b / o.Part)).Order().ToArray();
        report.AppendLine();
        report.AppendLine(inv, $"Reading a clip instead of tracking it: {Median("lk one") / Median("read one"):0}× cheaper for one clip alone " +
                               $"(round by round {BenchSupport.Median(single1):0} [{single1[0]:0}–{single1[^1]:0}]), " +
                               $"{Median("lk one") / (Median("read batch") / o.Part):0}× per clip of a {o.Part}-clip batch " +
                               $"(round by round {BenchSupport.Median(batch1):0} [{batch1[0]:0}–{batch1[^1]:0}]).");
        Console.Write(report);
        if (o.Out is not null) await File.WriteAllTextAsync(o.Out, report.ToString(), ct);
        return 0;
    }

    private static string PartNameOf(CachedClip clip) =>
        "part-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(clip.ClipKey)))[..20] + ".parquet";

    private static void Require(int actual, int expected, string what)
    {
        if (actual != expected) throw new InvalidOperationException($"{what}: {actual} clips, expected {expected}");
    }

    private static CachedClip Cached(TrackSet set, TrackResult result, int b, int start, string video, int clipIndex, DecodedVideo decoded)
    {
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(video)));
        var frames = decoded.Frames.Skip(start).Take(Frames).ToArray();
        return CachedClips.From(set, result, b, hash, $"/corpus/{video}.mp4", clipIndex, frames.Select(f => f.Index).ToArray(),
            frames.Select(f => f.Timestamp.TotalSeconds).ToArray(), Size, Size);
    }

    /// <summary>A shape that loses a bit is no contender: check the first part decodes to exactly what went in.</summary>
    private static void CheckExact(CacheRowShapes.Shape shape, CachedClip[] expected, List<CachedClip> actual)
    {
        foreach (CachedClip e in expected)
        {
            CachedClip a = actual.Single(c => c.ClipKey == e.ClipKey);
            bool same = MemoryMarshal.AsBytes(e.X.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(a.X.AsSpan()))
                && MemoryMarshal.AsBytes(e.Y.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(a.Y.AsSpan()))
                && e.Visible.AsSpan().SequenceEqual(a.Visible) && e.FrameIndices.AsSpan().SequenceEqual(a.FrameIndices)
                && MemoryMarshal.AsBytes(e.QueryX.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(a.QueryX.AsSpan()))
                && (e.Confidence is null) == (a.Confidence is null) && (e.Frames, e.Points) == (a.Frames, a.Points);
            if (!same) throw new InvalidOperationException($"{shape.Name}: clip {e.ClipKey} does not round-trip exactly");
        }
    }

    private static Options Parse(string[] args)
    {
        Options o = BenchSupport.ParseOptions(args, new Options(null, 256, 16, 0, 5, null, null), (given, name, value) => name switch
        {
            "--file" => given with { File = value },
            "--clips" => given with { Clips = BenchSupport.Int(value) },
            "--part" => given with { Part = BenchSupport.Int(value) },
            "--tracked" => given with { Tracked = BenchSupport.Int(value) },
            "--repeats" => given with { Repeats = BenchSupport.Int(value) },
            "--dir" => given with { Dir = value },
            "--out" => given with { Out = value },
            _ => throw new ArgumentException($"unknown option {name}"),
        });

        if (o.Clips < 1 || o.Part < 1 || o.Tracked < 0 || o.Repeats < 1) throw new ArgumentException("--clips, --part and --repeats must be >= 1, --tracked >= 0 (0 = as many as --clips)");
        return o;
    }
}
