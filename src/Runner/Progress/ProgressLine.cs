using System.Globalization;
using System.Text;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;

namespace MoSiC.Stream.Runner.Progress;

/// <summary>
/// The one-line progress report for logs and pipes, e.g.
/// <c>[00:01:23] videos 12/40 (1 failed) clips tracked 30 cached 4 | train step 5/40 loss 3.2101 | decode 4.1/s track 1.2/s train 2.0 clips/s 0.50 steps/s | bottleneck now: track | eta 00:03:40</c>.
/// </summary>
public static class ProgressLine
{
    /// <summary>
    /// The line for <paramref name="now"/>; rates and the bottleneck are over <paramref name="span"/> (a
    /// <see cref="SnapshotMath.Since"/> difference), or over the whole run when it is null.
    /// </summary>
    public static string Format(PipelineSnapshot now, PipelineSnapshot? span = null)
    {
        ArgumentNullException.ThrowIfNull(now);
        span ??= now;
        var c = CultureInfo.InvariantCulture;
        var r = now.Run;
        var line = new StringBuilder();
        line.Append(c, $"[{Clock(now.Elapsed)}] videos {r.VideosDone}/{Total(r.VideosTotal)}");
        if (r.VideosFailed > 0) line.Append(c, $" ({r.VideosFailed} failed)");
        line.Append(c, $" clips tracked {r.ClipsTracked} cached {r.ClipsCached}");
        if (r.StepsTotal > 0 || r.Step > 0)
        {
            line.Append(c, $" | train step {r.Step}/{Total(r.StepsTotal)}");
            if (!double.IsNaN(r.Loss)) line.Append(c, $" loss {r.Loss:0.0000}");
        }
        if (span.Stages.Count > 0)
            line.Append(" |").AppendJoin("", span.Stages.Select(s => Rate(s, span)));
        if (Bottleneck.Find(span) is { } b) line.Append(c, $" | bottleneck now: {b.Stage}");
        if (Eta(now, span) is { } eta) line.Append(c, $" | eta {Clock(eta)}");
        return line.ToString();
    }

    private static string Rate(StageSnapshot stage, PipelineSnapshot span) => $" {stage.Name} {RateText(stage, span)}";

    /// <summary>A stage's rate over <paramref name="span"/>: <c>4.1/s</c> (items), and for the trainer <c>2.0 clips/s 0.50 steps/s</c>.</summary>
    public static string RateText(StageSnapshot stage, PipelineSnapshot span)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(span);
        var c = CultureInfo.InvariantCulture;
        if (stage.Name != "train") return string.Format(c, "{0:0.0}/s", stage.ItemsPerSecond(span.Elapsed));
        var (clips, steps) = span.TrainRates();
        return string.Format(c, "{0:0.0} clips/s {1:0.00} steps/s", clips, steps);
    }

    /// <summary>Time left at the whole run's pace (<see cref="Eta(PipelineSnapshot, PipelineSnapshot)"/> over the run).</summary>
    public static TimeSpan? Eta(PipelineSnapshot now) => Eta(now, now);

    /// <summary>
    /// Time left: the longer of the videos still to finish and the trainer steps still to take (of the planned total),
    /// each at its pace over <paramref name="span"/> (recent), or over the whole run while the span saw none. Null
    /// until one of them can be measured.
    /// </summary>
    public static TimeSpan? Eta(PipelineSnapshot now, PipelineSnapshot span)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(span);
        var r = now.Run;
        double? videos = null, steps = null;
        long finished = r.VideosDone + r.VideosFailed + r.VideosSkipped;
        if (r.VideosTotal > 0 && finished > 0 && now.Elapsed > TimeSpan.Zero)
        {
            double pace = span.VideosPerSecond() is > 0 and var recent ? recent : finished / now.Elapsed.TotalSeconds;
            videos = Math.Max(0, r.VideosTotal - finished) / pace;
        }

        if (r.StepsTotal > 0 && r.Step > 0 && now.Elapsed > TimeSpan.Zero)
        {
            double pace = span.TrainRates().Steps is > 0 and var recent ? recent : r.Step / now.Elapsed.TotalSeconds;
            steps = Math.Max(0, r.StepsTotal - r.Step) / pace;
        }

        double? left = videos is null ? steps : steps is null ? videos : Math.Max(videos.Value, steps.Value);
        return left is { } seconds ? TimeSpan.FromSeconds(Math.Round(seconds)) : null;
    }

    /// <summary><c>hh:mm:ss</c>, with hours past 24 kept as hours.</summary>
    public static string Clock(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}");

    private static string Total(long total) => total > 0 ? total.ToString(CultureInfo.InvariantCulture) : "?";
}
