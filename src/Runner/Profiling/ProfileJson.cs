using System.Text.Json;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// <c>profile.json</c>: the report as data. Times are seconds, fractions in [0, 1]; a loss before the first trainer
/// step is null (JSON has no NaN).
/// </summary>
internal static class ProfileJson
{
    public const string FileName = "profile.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The document's UTF-8 bytes.</summary>
    public static byte[] Render(ProfileReport report)
    {
        var r = report.Run;
        var document = new
        {
            identity = report.Identity,
            elapsedSeconds = report.Elapsed.TotalSeconds,
            bottleneck = report.Bottleneck is { } b ? new { stage = b.Stage, busy = b.Busy, reason = b.Reason } : null,
            stages = report.Stages,
            // The same fractions read back from the timeline: the pictures agree with the table within timelineTolerance.
            timelineTotals = report.TimelineTotals,
            timelineTolerance = TimelineTotals.Tolerance,
            queues = report.Queues.Select(q => new { q.Name, q.Capacity, q.ByteCapacity, q.MeanItems, q.MaxItems, q.MeanBytes, q.MaxBytes, q.MeanFill }),
            run = new
            {
                r.VideosTotal, r.VideosDone, r.VideosFailed, r.VideosSkipped, r.ClipsTracked, r.ClipsCached, r.ClipsTrained, r.Step, r.StepsTotal,
                Loss = double.IsNaN(r.Loss) ? (double?)null : r.Loss,
            },
            timeline = report.Timeline.Select(s => new
            {
                elapsedSeconds = s.Elapsed.TotalSeconds,
                durationSeconds = s.Duration.TotalSeconds,
                stages = s.Stages,
                queues = s.Queues.Select(q => new { q.Name, q.Items, q.Bytes, q.MaxItems, q.MaxBytes, q.Fill }),
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, Options);
    }
}
