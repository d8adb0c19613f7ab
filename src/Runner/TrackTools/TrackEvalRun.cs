using System.Globalization;
using System.Text;
using System.Text.Json;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Eval.Tracking;
using MoSiC.Stream.Stages.Ffmpeg;
using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Runner.TrackTools;

/// <summary><c>track eval</c>: every ground-truth sequence, the chosen tracker and the static baseline, one table.</summary>
internal static class TrackEvalRun
{
    public sealed record Request(IReadOnlyList<string> Sources, string? Pipeline, string? Tracker, int MaxFrames, string? Viz, string? Json);

    public static async Task<int> RunAsync(Request request, CancellationToken ct)
    {
        if (request.MaxFrames < 2) return Fail($"--frames must be at least 2, got {request.MaxFrames}");
        if (TrackSetup.TryLoad(request.Pipeline, request.Tracker, out PipelineOptions pipeline, out IPointTracker? loaded) is { } error) return Fail(error);
        await using IPointTracker tracker = loaded!;

        var truths = new List<TrackingGroundTruth>();
        foreach (string source in request.Sources)
        {
            try
            {
                truths.AddRange(GroundTruthSources.Find(source));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                return Fail(e.Message);
            }
        }

        string? vizError = VizTargets.Check(request.Viz, truths.Count);
        if (vizError is not null) return Fail(vizError);

        await using IPointTracker baseline = new StaticTracker();
        Console.WriteLine($"tracker {tracker.Identity.Key}; baseline {baseline.Identity.Key} (points do not move)");
        Console.WriteLine(Header());

        var rows = new List<(TrackingGroundTruth Truth, SequenceScore Tracked, SequenceScore Static)>();
        var failures = new List<FailureRecord>();
        foreach (TrackingGroundTruth sequence in truths)
        {
            try
            {
                var (video, truth) = await TrackAccuracy.LoadAsync(sequence, request.MaxFrames, pipeline.Runtime.Threads.FfmpegThreads, ct);
                using (video)
                {
                    SequenceScore tracked = await TrackAccuracy.ScoreAsync(tracker, truth, video, ct);
                    SequenceScore still = await TrackAccuracy.ScoreAsync(baseline, truth, video, ct);
                    rows.Add((truth, tracked, still));
                    Console.WriteLine(Row(truth.Name, truth.Count, tracked));
                    Console.WriteLine(Row("", null, still));
                    if (VizTargets.PathFor(request.Viz, truth.Name, truths.Count) is { } viz)
                    {
                        await TrackOverlay.WriteAsync(viz, video.Pixels, video.Width, video.Height, video.Fps, tracked.Tracks, truth, ct);
                        Console.WriteLine($"  overlay: {viz}");
                    }
                }
            }
            catch (VideoFailedException e)
            {
                failures.Add(e.Record);
            }
            catch (Exception e) when (e is InvalidDataException or FfmpegException)
            {
                failures.Add(new FailureRecord(sequence.Source.Path, "track eval", e.Message));
            }
        }

        if (rows.Count > 1)
        {
            Console.WriteLine(Row($"mean of {rows.Count}", null, Mean(rows.Select(r => r.Tracked).ToArray())));
            Console.WriteLine(Row("", null, Mean(rows.Select(r => r.Static).ToArray())));
        }

        foreach (FailureRecord failure in failures) Console.Error.WriteLine($"failed: {failure}");
        if (request.Json is not null) WriteJson(request.Json, tracker.Identity, rows, failures);
        return rows.Count > 0 ? 0 : 1;
    }

    private static SequenceScore Mean(SequenceScore[] scores) => scores[0] with
    {
        Metrics = TapVidMetrics.Mean(scores.Select(s => s.Metrics).ToArray()),
        Elapsed = TimeSpan.FromTicks(scores.Sum(s => s.Elapsed.Ticks)),
    };

    private static string Header() =>
        $"{"sequence",-24} {"points",6} {"tracker",-7} {"δ_avg",6} {"<1",6} {"<2",6} {"<4",6} {"<8",6} {"<16",6} {"OA",6} {"AJ",6} {"hidden",6} {"cells",7}";

    private static string Row(string name, int? points, SequenceScore score)
    {
        TapVidMetrics m = score.Metrics;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{name,-24} {(points is null ? "" : points.Value.ToString(CultureInfo.InvariantCulture)),6} {score.Tracker,-7} {Pct(m.PositionAccuracy)}");
        foreach (double d in m.WithinThreshold) line.Append(' ').Append(Pct(d));
        line.Append(CultureInfo.InvariantCulture, $" {Pct(m.OcclusionAccuracy)} {Pct(m.AverageJaccard)} {Pct(m.HiddenRecall)} {m.ScoredCells,7}");
        return line.ToString();
    }

    private static string Pct(double value) => double.IsFinite(value) ? (100 * value).ToString("0.0", CultureInfo.InvariantCulture).PadLeft(6) : "     –";

    private static void WriteJson(string path, TrackerIdentity identity, List<(TrackingGroundTruth Truth, SequenceScore Tracked, SequenceScore Static)> rows, List<FailureRecord> failures)
    {
        var report = new
        {
            tracker = identity.Key,
            baseline = "static (points do not move)",
            protocol = "TAP-Vid query-first; thresholds 1, 2, 4, 8, 16 px at 256x256",
            sequences = rows.Select(r => new
            {
                name = r.Truth.Name,
                kind = r.Truth.Kind,
                source = r.Truth.Source.Path,
                points = r.Truth.Count,
                frames = r.Truth.Frames,
                tracker = Metrics(r.Tracked.Metrics),
                @static = Metrics(r.Static.Metrics),
                trackerSeconds = r.Tracked.Elapsed.TotalSeconds,
            }),
            mean = rows.Count == 0 ? null : new
            {
                tracker = Metrics(TapVidMetrics.Mean(rows.Select(r => r.Tracked.Metrics).ToArray())),
                @static = Metrics(TapVidMetrics.Mean(rows.Select(r => r.Static.Metrics).ToArray())),
            },
            failures = failures.Select(f => new { path = f.Path, stage = f.Stage, reason = f.Reason }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static object Metrics(TapVidMetrics m) => new
    {
        deltaAvg = m.PositionAccuracy,
        within = TapVidMetrics.Thresholds.Zip(m.WithinThreshold).ToDictionary(p => p.First.ToString(CultureInfo.InvariantCulture), p => p.Second),
        occlusionAccuracy = m.OcclusionAccuracy,
        averageJaccard = m.AverageJaccard,
        jaccard = TapVidMetrics.Thresholds.Zip(m.JaccardAtThreshold).ToDictionary(p => p.First.ToString(CultureInfo.InvariantCulture), p => p.Second),
        hiddenRecall = double.IsFinite(m.HiddenRecall) ? m.HiddenRecall : (double?)null,
        scoredCells = m.ScoredCells,
        visibleCells = m.VisibleCells,
    };

    private static int Fail(string message) => TrackSetup.Fail(message);
}
