using System.Globalization;
using System.Text;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Graph.Train;

namespace MoSiC.Stream.Bench;

/// <summary>
/// <c>mosic-bench replay</c> (issue #17): later epochs' throughput with 1 and with 2 replay workers (decode workers),
/// the trainer replaced by a sink, rounds interleaved so both see the same machine load.
/// </summary>
internal static class ReplayBench
{
    public const string Usage =
        """
        usage: mosic-bench replay [--videos N] [--frames F] [--epochs E] [--rounds R] [--workers 1,2] [--work DIR] [--out results.md]

          --videos N, --frames F   synthetic corpus: N videos of F frames, 160x120 at 24 fps, decoded at 224x224 (default 12, 96)
          --epochs E               epochs replayed per run (default 2); 4 clips of 12 frames per video
          --rounds R               rounds; each runs every worker count once, medians reported (default 3)
          --workers LIST           replay worker counts compared (default 1,2)
        """;

    private sealed record Options(int Videos, int Frames, int Epochs, int Rounds, int[] Workers, string? Work, string? Out);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (!BenchSupport.TryParse("replay", Usage, () => Parse(args), out Options o)) return 2;
        string root = BenchSupport.RepositoryRoot() ?? ".";
        string dir = PipelineBench.Fresh(Path.GetFullPath(o.Work ?? Path.Combine(root, ".mosic", "bench-replay")), keep: "corpus");
        string pipeline = PipelineBench.WritePipeline(dir, "bench-replay", o.Videos, o.Frames, 160, 120, decodeSize: 224, framesPerClip: 12, stride: 2, clipsPerVideo: 4,
            grid: 8, trackBatch: 4, model: "tiny", trainBatch: 2, epochs: 1 + o.Epochs, torch: 1);
        PipelineOptions options = await PipelineBench.PrepareAsync(pipeline, ct);
        var report = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        report.AppendLine(inv, $"mosic-bench replay, {DateTime.UtcNow:u}; {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        var fill = await InProcessGraph.RunAsync(options, RunMode.Track, null, replayOnly: false, ct);
        if (fill.Outcome.Fault is { } fault) throw fault;
        report.AppendLine(inv, $"cache filled in-process: {fill.Stats.Run.ClipsTracked} clips of {o.Videos} videos tracked in {fill.Seconds:F1} s");

        var rates = o.Workers.ToDictionary(w => w, _ => new List<double>());
        for (int round = 0; round < o.Rounds; round++)
        {
            foreach (int workers in round % 2 == 0 ? o.Workers : o.Workers.Reverse())
            {
                PipelineOptions run = options with { Runtime = options.Runtime with { Threads = options.Runtime.Threads with { DecodeWorkers = workers } } };
                var sink = new SinkTrainer(new DataStart(1, 0));
                var result = await InProcessGraph.RunAsync(run, RunMode.Train, sink, replayOnly: true, ct);
                if (result.Outcome.Fault is { } failed) throw failed;
                double seconds = result.Seconds;
                rates[workers].Add(sink.Clips / seconds);
                Console.WriteLine(string.Create(inv, $"round {round + 1}, {workers} workers: {sink.Clips} clips in {seconds:F2} s = {sink.Clips / seconds:F2} clips/s (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})"));
            }
        }

        report.AppendLine();
        report.AppendLine("| replay workers | clips/s (median) | per round |");
        report.AppendLine("|---:|---:|---|");
        foreach (int w in o.Workers)
            report.AppendLine(inv, $"| {w} | {BenchSupport.Median(rates[w]):F2} | {string.Join(", ", rates[w].Select(r => r.ToString("F2", inv)))} |");
        if (o.Workers.Length >= 2)
        {
            int a = o.Workers[0], b = o.Workers[1];
            double[] perRound = [.. rates[b].Zip(rates[a], (x, y) => x / y)];
            report.AppendLine();
            report.AppendLine(inv, $"{b} workers ÷ {a}: **{BenchSupport.Median(rates[b]) / BenchSupport.Median(rates[a]):F2}×** (ratio of medians; per round {string.Join(", ", perRound.Select(r => r.ToString("F2", inv)))})");
        }

        report.AppendLine(inv, $"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine();
        Console.Write(report);
        if (o.Out is not null) await File.WriteAllTextAsync(o.Out, report.ToString(), ct);
        return 0;
    }

    private static Options Parse(string[] args) =>
        BenchSupport.ParseOptions(args, new Options(12, 96, 2, 3, [1, 2], null, null), (given, name, value) => name switch
        {
            "--videos" => given with { Videos = BenchSupport.Int(value) },
            "--frames" => given with { Frames = BenchSupport.Int(value) },
            "--epochs" => given with { Epochs = BenchSupport.Int(value) },
            "--rounds" => given with { Rounds = BenchSupport.Int(value) },
            "--workers" => given with { Workers = value.Split(',').Select(BenchSupport.Int).ToArray() },
            "--work" => given with { Work = value },
            "--out" => given with { Out = value },
            _ => throw new ArgumentException($"unknown option {name}"),
        });
}
