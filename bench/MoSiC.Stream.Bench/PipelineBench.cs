using System.Globalization;
using System.Text;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Runner.Run;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Bench;

/// <summary>
/// <c>mosic-bench pipeline</c> (issue #6): the streaming graph end to end against its stages alone, in one run.
/// <list type="number">
/// <item>Efficiency: clips/s of <c>mosic-stream track</c> (tracking-bound) and <c>mosic-stream train</c> on a full
/// cache (training-bound) over the isolated clips/s of the slowest stage, measured on the same data in this process.</item>
/// <item>Memory: peak resident set (VmHWM) of <c>mosic-stream track</c> over a small and a 10× larger corpus.</item>
/// <item>Resume from a full cache: seconds from process start to the first step, and the trainer's starved share.</item>
/// </list>
/// </summary>
internal static class PipelineBench
{
    public const string Usage =
        """
        usage: mosic-bench pipeline [--only track|train|memory] [--work DIR] [--cli DLL] [--out results.md]
                                    [--track-videos N] [--track-frames F] [--grid G] [--train-videos N] [--epochs E] [--model M]
                                    [--memory-videos A,B] [--rounds R]

          --only        one part (default: all three)
          --work DIR    corpora, caches, checkpoints and reports (default: .mosic/bench-pipeline under the repository)
          --cli DLL     mosic-stream.dll to run (default: src/Runner/bin/Release/net10.0/linux-x64/mosic-stream.dll; build it first)
          --track-videos N, --track-frames F, --grid G
                        tracking-bound corpus: N synthetic 160x120 videos of F frames, 224x224 decode, G x G grid (default 8, 96, 32)
          --train-videos N, --epochs E, --model M
                        training-bound corpus and trainer (default 6, 2, tiny)
          --memory-videos A,B
                        corpus sizes compared for peak memory, 96x96 videos of 24 frames (default 10,100)
          --rounds R    rounds of (stages alone, then the CLI) for the efficiency parts, medians reported (default 3)
          --out FILE    also write the Markdown report to FILE
        """;

    private sealed record Options(string? Only, string? Work, string? Cli, string? Out, int TrackVideos, int TrackFrames, int Grid,
        int TrainVideos, int Epochs, string Model, int[] MemoryVideos, int Rounds);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (!BenchSupport.TryParse("pipeline", Usage, () => Parse(args), out Options o)) return 2;
        string root = BenchSupport.RepositoryRoot() ?? ".";
        string work = Path.GetFullPath(o.Work ?? Path.Combine(root, ".mosic", "bench-pipeline"));
        string dll = Path.GetFullPath(o.Cli ?? CliRun.DefaultDll(root));
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} not found: dotnet build -c Release src/Runner");
        Directory.CreateDirectory(work);

        var report = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        report.AppendLine(inv, $"mosic-bench pipeline, {DateTime.UtcNow:u}; {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        report.AppendLine();
        if (o.Only is null or "track") await TrackBoundAsync(o, dll, work, report, ct);
        if (o.Only is null or "train") await TrainBoundAsync(o, dll, work, report, ct);
        if (o.Only is null or "memory") await MemoryAsync(o, dll, work, report, ct);
        report.AppendLine(inv, $"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");

        Console.WriteLine();
        Console.Write(report);
        if (o.Out is not null) await File.WriteAllTextAsync(o.Out, report.ToString(), ct);
        return 0;
    }

    // Tracking-bound: many clips, a big grid, no trainer.
    private static async Task TrackBoundAsync(Options o, string dll, string work, StringBuilder report, CancellationToken ct)
    {
        string dir = Fresh(Path.Combine(work, "track"), keep: "corpus");
        string pipeline = WritePipeline(dir, "bench-track", o.TrackVideos, o.TrackFrames, 160, 120, decodeSize: 224, framesPerClip: 12, stride: 1, clipsPerVideo: 4,
            grid: o.Grid, trackBatch: 4, model: "tiny", trainBatch: 2, epochs: 1, torch: 1);
        PipelineOptions options = await PrepareAsync(pipeline, ct);
        Console.WriteLine($"tracking-bound: {pipeline}");

        // Per round: each stage alone, then the graph, on the same videos; medians over rounds.
        var videos = CorpusDiscovery.Discover(options.Corpus, options.Corpus.ResolvedRoot).Videos;
        TrackSet set = Set(options);
        var rounds = new List<Round>();
        int n = 0;
        for (int round = 0; round < o.Rounds; round++)
        {
            double cpu0 = CpuClock.Seconds();
            var (decodeSeconds, clips) = await StageAlone.DecodeAsync(options, videos, ct);
            double cpu1 = CpuClock.Seconds();
            var (trackSeconds, parts) = await StageAlone.TrackAsync(options, set, clips, ct);
            double cpu2 = CpuClock.Seconds();
            double writeSeconds = await StageAlone.WriteAsync(Path.Combine(dir, "alone-cache"), set, parts, ct);
            double cpu3 = CpuClock.Seconds();
            clips.ForEach(c => c.Pixels.Dispose());
            n = clips.Count;
            DeleteDir(options.Cache.Dir);
            CliResult e2e = await CliRun.RunAsync(dll, "track", pipeline, Path.Combine(dir, $"run-{round + 1}.json"), dir, Console.Out, ct);
            rounds.Add(new Round([n / decodeSeconds, n / trackSeconds, n / writeSeconds], [(cpu1 - cpu0) / n, (cpu2 - cpu1) / n, (cpu3 - cpu2) / n], e2e));
        }

        string[] stages =
        [
            "decode + cut (probe, packet listing, FrameReader over the clips' frames, ClipAssembler: as DecodeStep)",
            $"track (TrackerFactory.Create(lk, {options.Runtime.Threads.Tracker} thread).TrackAsync, batches of {options.Tracker.BatchSize})",
            "write (TrajectoryCache.WriteAsync, one part per batch)",
        ];
        report.AppendLine(CultureInfo.InvariantCulture,
            $"### Tracking-bound: `mosic-stream track`, {videos.Count} videos, {n} clips of {options.Clips.FramesPerClip} frames at {options.Decode.Width}×{options.Decode.Height}, {options.Tracker.Grid}×{options.Tracker.Grid} grid");
        report.AppendLine();
        Efficiency(report, stages, rounds, [1, 1, 1], e => e.ClipsTracked, "track");
    }

    // Training-bound: fill the cache with a track run, then train on it (the resume-from-a-full-cache case too).
    private static async Task TrainBoundAsync(Options o, string dll, string work, StringBuilder report, CancellationToken ct)
    {
        string dir = Fresh(Path.Combine(work, "train"), keep: "corpus");
        string pipeline = WritePipeline(dir, "bench-train", o.TrainVideos, 48, 160, 120, decodeSize: 224, framesPerClip: 12, stride: 2, clipsPerVideo: 2,
            grid: 16, trackBatch: 2, model: o.Model, trainBatch: 2, epochs: o.Epochs, torch: 2);
        PipelineOptions options = await PrepareAsync(pipeline, ct);
        Console.WriteLine($"training-bound: {pipeline}");
        CliResult fill = await CliRun.RunAsync(dll, "track", pipeline, Path.Combine(dir, "fill.json"), dir, Console.Out, ct);

        var videos = CorpusDiscovery.Discover(options.Corpus, options.Corpus.ResolvedRoot).Videos;
        TrackSet set = Set(options);
        var rounds = new List<Round>();
        int n = 0, batch = 0, steps = 0;
        for (int round = 0; round < o.Rounds; round++)
        {
            double cpu0 = CpuClock.Seconds();
            var (decodeSeconds, cut) = await StageAlone.DecodeAsync(options, videos, ct);
            double cpu1 = CpuClock.Seconds();
            cut.ForEach(c => c.Pixels.Dispose());
            var (replaySeconds, ready) = await StageAlone.ReplayAsync(options, TrajectoryCache.Open(options.Cache.Dir), set, ct);
            double cpu2 = CpuClock.Seconds();
            steps = Math.Max(6, ready.Count / 2);
            (double stepSeconds, batch, double stepCpu) = StageAlone.Train(options, ready, steps);
            ready.ForEach(c => c.Dispose());
            n = ready.Count;
            DeleteDir(options.Trainer.CheckpointDir);
            CliResult e2e = await CliRun.RunAsync(dll, "train", pipeline, Path.Combine(dir, $"run-{round + 1}.json"), dir, Console.Out, ct);
            rounds.Add(new Round([cut.Count / decodeSeconds, n / replaySeconds, batch / stepSeconds], [(cpu1 - cpu0) / cut.Count, (cpu2 - cpu1) / n, stepCpu / batch], e2e));
        }

        string[] stages =
        [
            "decode + cut (streamed epoch)",
            "replay: cache read + the clip's frames decoded (later epochs)",
            $"train (ClipBatchBuilder.Build + MosicTrainer.Step, {options.Trainer.Model}, batch {batch}, {options.Runtime.Threads.Torch} torch threads; {steps} steps after 1 warm-up)",
        ];
        var inv = CultureInfo.InvariantCulture;
        report.AppendLine(inv,
            $"### Training-bound: `mosic-stream train` on a full cache, {videos.Count} videos, {n} cached clips of {options.Clips.FramesPerClip} frames at {options.Decode.Width}×{options.Decode.Height}, " +
            $"{options.Trainer.Model} at {options.Trainer.ImageSize}², batch {batch}, {options.Trainer.Epochs} epochs");
        report.AppendLine();
        report.AppendLine(inv, $"Cache filled first by `mosic-stream track`: {fill.ClipsTracked} clips tracked in {fill.ElapsedSeconds:F1} s. Each round: the stages alone, then `mosic-stream train` with an empty checkpoint folder.");
        report.AppendLine();
        // Per clip trained: the streamed epoch decodes each clip once, later epochs replay it; every clip is trained.
        double streamed = 1.0 / options.Trainer.Epochs;
        Efficiency(report, stages, rounds, [streamed, 1 - streamed, 1], e => e.ClipsTrained, "train");
        report.AppendLine("Resume from a full cache, per round:");
        report.AppendLine();
        report.AppendLine("| round | process start → `step 1/` s | process wall s | steps | train starved s | train busy+starved+blocked s | starved share |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        for (int r = 0; r < rounds.Count; r++)
        {
            CliResult e2e = rounds[r].Cli;
            RunStage train = e2e.Stage("train");
            report.AppendLine(inv, $"| {r + 1} | {e2e.FirstStepSeconds:F2} | {e2e.WallSeconds:F2} | {e2e.Steps} | {train.Starved:F2} | {train.Total:F2} | **{train.Share(train.Starved):P1}** |");
        }

        report.AppendLine();
    }

    // Peak memory over a small and a 10× larger corpus of the same videos.
    private static async Task MemoryAsync(Options o, string dll, string work, StringBuilder report, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        report.AppendLine("### Memory: peak resident set (VmHWM) of `mosic-stream track`, 96×96 videos of 24 frames, 2 clips of 12 frames each, 16×16 grid");
        report.AppendLine();
        report.AppendLine("| videos | clips tracked | elapsed s | peak VmHWM MiB | vs first | vs previous | threads at the end (thread pool) | managed heap MB |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---|---:|");
        long? previous = null;
        long? first = null;
        foreach (int videos in o.MemoryVideos)
        {
            string dir = Fresh(Path.Combine(work, $"memory-{videos}"), keep: "corpus");
            string pipeline = WritePipeline(dir, $"bench-memory-{videos}", videos, 24, 96, 96, decodeSize: 96, framesPerClip: 12, stride: 1, clipsPerVideo: 2,
                grid: 16, trackBatch: 4, model: "tiny", trainBatch: 2, epochs: 1, torch: 1);
            await PrepareAsync(pipeline, ct);
            Console.WriteLine($"memory: {pipeline}");
            CliResult r = await CliRun.RunAsync(dll, "track", pipeline, Path.Combine(dir, "run.json"), dir, Console.Out, ct);
            first ??= r.PeakBytes;
            report.AppendLine(inv, $"| {videos} | {r.ClipsTracked} | {r.ElapsedSeconds:F1} | {r.PeakBytes / 1048576.0:F1} | {(double)r.PeakBytes / first.Value:F3} | {(double)r.PeakBytes / (previous ?? r.PeakBytes):F3} | {r.Threads} ({r.ThreadPoolThreads}) | {r.ManagedHeapBytes / 1e6:F1} |");
            previous = r.PeakBytes;
        }

        report.AppendLine();
    }

    /// <summary>One round: each stage alone (clips/s, CPU-seconds per clip) and the CLI's run.</summary>
    private sealed record Round(double[] Alone, double[] CpuPerClip, CliResult Cli);

    // Efficiency, defined for shared cores (issue #17): end to end ÷ min(slowest stage alone, cores ÷ Σ CPU-seconds per
    // clip over all stages). The second term is what the cores could do if every stage's work were packed onto them.
    private static void Efficiency(StringBuilder report, string[] stages, List<Round> rounds, double[] perClip, Func<CliResult, long> clipsOf, string last)
    {
        var inv = CultureInfo.InvariantCulture;
        double Med(Func<Round, double> f) => BenchSupport.Median(rounds.Select(f));
        double[] alone = stages.Select((_, i) => Med(r => r.Alone[i])).ToArray();
        double[] cpu = stages.Select((_, i) => Med(r => r.CpuPerClip[i])).ToArray();
        int slowest = Array.IndexOf(alone, alone.Min());
        int cores = Environment.ProcessorCount;
        double cpuPerClip = cpu.Select((c, i) => c * perClip[i]).Sum();
        double packed = cores / cpuPerClip;
        double bound = Math.Min(alone[slowest], packed);
        // The last stage's workers run from the graph's start to its end: their time is the graph's, without the setup before it.
        static double Graph(CliResult e, string last) => e.Stage(last).Total / e.Stage(last).Workers;
        double endToEnd = Med(r => clipsOf(r.Cli) / r.Cli.ElapsedSeconds), graphOnly = Med(r => clipsOf(r.Cli) / Graph(r.Cli, last));
        double[] perRound = rounds.Select(r => clipsOf(r.Cli) / r.Cli.ElapsedSeconds
            / Math.Min(r.Alone.Min(), cores / r.CpuPerClip.Select((c, i) => c * perClip[i]).Sum())).Order().ToArray();
        report.AppendLine(inv, $"Median of {rounds.Count} rounds; each round measures the stages alone, then runs the CLI once.");
        report.AppendLine();
        report.AppendLine("| measured | clips/s | CPU s per clip | per round (clips/s) |");
        report.AppendLine("|---|---:|---:|---|");
        for (int i = 0; i < stages.Length; i++)
            report.AppendLine(inv, $"| alone: {stages[i]} | {alone[i]:F2} | {cpu[i]:F3} × {perClip[i]:0.##} | {string.Join(", ", rounds.Select(r => r.Alone[i].ToString("F2", inv)))} |");
        report.AppendLine(inv, $"| end to end: clips / run.json elapsed ({string.Join(", ", rounds.Select(r => $"{clipsOf(r.Cli)} / {r.Cli.ElapsedSeconds:F2} s"))}) | {endToEnd:F2} | | " +
                               $"{string.Join(", ", rounds.Select(r => (clipsOf(r.Cli) / r.Cli.ElapsedSeconds).ToString("F2", inv)))} |");
        report.AppendLine(inv, $"| end to end, graph only: clips / {last} stage's busy+starved+blocked | {graphOnly:F2} | | " +
                               $"{string.Join(", ", rounds.Select(r => (clipsOf(r.Cli) / Graph(r.Cli, last)).ToString("F2", inv)))} |");
        report.AppendLine();
        report.AppendLine(inv, $"Bound: min(slowest stage alone ({stages[slowest].Split(' ')[0]}) {alone[slowest]:F2} clips/s, {cores} cores ÷ {cpuPerClip:F3} CPU s per clip = {packed:F2} clips/s) = {bound:F2} clips/s.");
        report.AppendLine();
        report.AppendLine(inv, $"Efficiency = end to end / bound: **{endToEnd / bound:F2}** (round by round {BenchSupport.Median(perRound):F2} [{perRound[0]:F2}–{perRound[^1]:F2}]; graph only {graphOnly / bound:F2}; " +
                               $"against the slowest stage alone only {endToEnd / alone[slowest]:F2}).");
        report.AppendLine();
        CliResult shown = rounds.OrderBy(r => clipsOf(r.Cli) / r.Cli.ElapsedSeconds).ElementAt(rounds.Count / 2).Cli;
        report.AppendLine(inv, $"Stages of the median round's run.json (elapsed {shown.ElapsedSeconds:F2} s, process wall {shown.WallSeconds:F2} s, {shown.Threads} threads, {shown.ThreadPoolThreads} in the thread pool at the end); shares of each stage's busy + starved + blocked:");
        report.AppendLine();
        report.AppendLine("| stage | workers | items in | items out | busy s | starved s | blocked s | busy | starved | blocked |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (RunStage s in shown.Stages)
        {
            report.AppendLine(inv, $"| {s.Name} | {s.Workers} | {s.ItemsIn} | {s.ItemsOut} | {s.Busy:F2} | {s.Starved:F2} | {s.Blocked:F2} | " +
                                   $"{s.Share(s.Busy):P0} | {s.Share(s.Starved):P0} | {s.Share(s.Blocked):P0} |");
        }

        report.AppendLine();
    }

    private static void DeleteDir(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    // Loads the pipeline as the CLI does and generates its synthetic corpus now, so no timed run pays for it.
    internal static async Task<PipelineOptions> PrepareAsync(string pipeline, CancellationToken ct)
    {
        PipelineOptions options = PipelineSource.Load(pipeline);
        await SyntheticStep.EnsureAsync(options.Corpus, ct);
        return options;
    }

    private static TrackSet Set(PipelineOptions options) =>
        TrackSets.For(options, TrackerFactory.Identity(options.Tracker), QuerySpec.Grid(options.Tracker.Grid));

    // Empties dir but for the generated corpus, which is reused between runs of the benchmark.
    internal static string Fresh(string dir, string keep)
    {
        Directory.CreateDirectory(dir);
        foreach (string entry in Directory.EnumerateFileSystemEntries(dir))
        {
            if (Path.GetFileName(entry) == keep) continue;
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }

        return dir;
    }

    internal static string WritePipeline(string dir, string name, int videos, int frames, int width, int height, int decodeSize, int framesPerClip, int stride,
        int clipsPerVideo, int grid, int trackBatch, string model, int trainBatch, int epochs, int torch)
    {
        string path = Path.Combine(dir, "pipeline.json");
        string json = string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "name": "{{name}}",
              "corpus": { "root": "{{Path.Combine(dir, "corpus")}}", "synthetic": { "videos": {{videos}}, "seed": 6, "frames": {{frames}}, "width": {{width}}, "height": {{height}}, "fps": 24 } },
              "decode": { "fps": 24, "resize": "stretch", "width": {{decodeSize}}, "height": {{decodeSize}} },
              "clips": { "framesPerClip": {{framesPerClip}}, "stride": {{stride}}, "clipsPerVideo": {{clipsPerVideo}} },
              "tracker": { "name": "lk", "grid": {{grid}}, "batchSize": {{trackBatch}} },
              "cache": { "dir": "{{Path.Combine(dir, "cache")}}" },
              "trainer": { "model": "{{model}}", "batchSize": {{trainBatch}}, "epochs": {{epochs}}, "shuffleClips": 4, "checkpointDir": "{{Path.Combine(dir, "checkpoints")}}" },
              "runtime": { "device": "cpu", "threads": { "decodeWorkers": 1, "ffmpegThreads": 1, "tracker": 1, "torch": {{torch}} } }
            }
            """);
        File.WriteAllText(path, json);
        return path;
    }

    private static Options Parse(string[] args)
    {
        Options o = BenchSupport.ParseOptions(args, new Options(null, null, null, null, 8, 96, 32, 6, 2, "tiny", [10, 100], 3), (given, name, value) => name switch
        {
            "--only" => given with { Only = value is "track" or "train" or "memory" ? value : throw new ArgumentException($"--only: track, train or memory, got {value}") },
            "--work" => given with { Work = value },
            "--cli" => given with { Cli = value },
            "--out" => given with { Out = value },
            "--track-videos" => given with { TrackVideos = BenchSupport.Int(value) },
            "--track-frames" => given with { TrackFrames = BenchSupport.Int(value) },
            "--grid" => given with { Grid = BenchSupport.Int(value) },
            "--train-videos" => given with { TrainVideos = BenchSupport.Int(value) },
            "--epochs" => given with { Epochs = BenchSupport.Int(value) },
            "--model" => given with { Model = value },
            "--rounds" => given with { Rounds = BenchSupport.Int(value) },
            "--memory-videos" => given with { MemoryVideos = value.Split(',').Select(BenchSupport.Int).ToArray() },
            _ => throw new ArgumentException($"unknown option {name}"),
        });

        if (o.TrackVideos < 1 || o.TrackFrames < 48 || o.Grid < 1 || o.TrainVideos < 1 || o.Epochs < 1 || o.Rounds < 1 || o.MemoryVideos.Any(v => v < 1))
            throw new ArgumentException("--track-videos, --grid, --train-videos, --epochs, --rounds, --memory-videos ≥ 1; --track-frames ≥ 48");
        return o;
    }
}
