using System.Diagnostics;
using System.Globalization;
using System.Text;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Storage.Identity;

namespace MoSiC.Stream.Bench;

/// <summary>
/// What confirming hash-index hints costs a cached rerun (issue #19, item 5): per corpus video, the lookup a rerun
/// did before (a stat against <c>_identity.json</c>), the lookup plus the content sample and its confirmation (what a
/// rerun does now), and a full content hash (a rerun without the index), interleaved in every round.
/// </summary>
internal static class IdentityBench
{
    public const string Usage =
        """
        usage: mosic-bench identity [--corpus DIR] [--rounds R] [--out results.md]
          --corpus DIR  videos (files, and frame folders named JPEGImages) under DIR (default: ../shared/data/real)
          --rounds R    timed rounds (default 5), after one warm-up round
          --out FILE    also write the Markdown report to FILE
        """;

    private sealed record Options(string? Corpus, int Rounds, string? Out);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (!BenchSupport.TryParse("identity", Usage, () => Parse(args), out Options o)) return 2;
        string corpus = o.Corpus ?? Path.Combine(BenchSupport.RepositoryRoot() ?? ".", "..", "shared", "data", "real");
        VideoSource[] videos = Directory.EnumerateFiles(corpus, "*.mp4", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateDirectories(corpus, "JPEGImages", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .Select(p => VideoSource.FromPath(p, [".jpg", ".jpeg", ".png"]))
            .ToArray();
        if (videos.Length == 0) throw new InvalidOperationException($"{corpus}: no videos");
        long bytes = videos.Sum(v => ContentHash.Stamp(v).Bytes);

        // A warm index, as a rerun finds it; the samples stand for the ones the manifest recorded with the tracks.
        string dir = Path.Combine(Path.GetTempPath(), "mosic-bench-identity-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            HashIndex first = HashIndex.Load(dir);
            var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (VideoSource v in videos) recorded[(await first.LookUpAsync(v, ct)).Hash] = await ContentSample.ComputeAsync(v, ct);
            await first.SaveAsync(ct);

            var t = new Dictionary<string, List<double>> { ["stat"] = [], ["sample"] = [], ["full"] = [] };
            for (int round = -1; round < o.Rounds; round++)
            {
                HashIndex index = HashIndex.Load(dir);
                var clock = Stopwatch.StartNew();
                foreach (VideoSource v in videos) _ = await index.LookUpAsync(v, ct);
                double stat = clock.Elapsed.TotalSeconds;

                index = HashIndex.Load(dir);
                clock.Restart();
                foreach (VideoSource v in videos)
                {
                    (string hint, bool hinted) = await index.LookUpAsync(v, ct);
                    string sample = await ContentSample.ComputeAsync(v, ct);
                    if (hinted) _ = await index.ConfirmAsync(v, hint, sample, recorded.GetValueOrDefault(hint), ct);
                }

                double confirmed = clock.Elapsed.TotalSeconds;
                if (index.Confirmed != videos.Length) throw new InvalidOperationException($"{index.Confirmed} of {videos.Length} hints confirmed");

                clock.Restart();
                foreach (VideoSource v in videos) _ = await ContentHash.ComputeAsync(v, ct);
                double full = clock.Elapsed.TotalSeconds;
                if (round < 0) continue;
                t["stat"].Add(stat);
                t["sample"].Add(confirmed);
                t["full"].Add(full);
            }

            var inv = CultureInfo.InvariantCulture;
            var report = new StringBuilder();
            report.AppendLine(inv, $"### Identity hints: {videos.Length} videos ({videos.Count(v => v.Kind == VideoSourceKind.File)} files, {videos.Count(v => v.Kind != VideoSourceKind.File)} frame folders), {bytes / 1e6:0.0} MB, page cache warm");
            report.AppendLine();
            report.AppendLine("| per rerun | median ms (all videos) | ms per video | vs stat only |");
            report.AppendLine("|---|---:|---:|---:|");
            double baseline = BenchSupport.Median(t["stat"]);
            foreach ((string name, string label) in new[] { ("stat", "hint from the index (before: size + mtime)"), ("sample", "hint + content sample, confirmed (now)"), ("full", "full content hash (no index)") })
            {
                double m = BenchSupport.Median(t[name]);
                report.AppendLine(inv, $"| {label} | {m * 1e3:0.0} | {m * 1e3 / videos.Length:0.00} | {m / baseline:0.0}× |");
            }

            Console.Write(report);
            if (o.Out is not null) await File.WriteAllTextAsync(o.Out, report.ToString(), ct);
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Options Parse(string[] args)
    {
        Options o = BenchSupport.ParseOptions(args, new Options(null, 5, null), (given, name, value) => name switch
        {
            "--corpus" => given with { Corpus = value },
            "--rounds" => given with { Rounds = BenchSupport.Int(value) },
            "--out" => given with { Out = value },
            _ => throw new ArgumentException($"unknown option {name}"),
        });

        if (o.Rounds < 1) throw new ArgumentException("--rounds must be >= 1");
        return o;
    }
}
