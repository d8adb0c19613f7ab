using System.Globalization;
using System.Text;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Runner.Profiling;

namespace MoSiC.Stream.Runner.Progress;

/// <summary>
/// The one-line progress report for logs and pipes, e.g.
/// <c>[00:01:23] videos 12/40 (1 failed) clips tracked 30 cached 4 | train step 5/40 loss 3.2101 | decode 4.1/s track 1.2/s | bottleneck now: track | eta 00:03:40</c>.
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
            line.Append(" |").AppendJoin("", span.Stages.Select(s => string.Format(c, " {0} {1:0.0}/s", s.Name, s.ItemsOutPerSecond(span.Elapsed))));
        if (Bottleneck.Find(span) is { } b) line.Append(c, $" | bottleneck now: {b.Stage}");
        if (Eta(now) is { } eta) line.Append(c, $" | eta {Clock(eta)}");
        return line.ToString();
    }

    /// <summary>
    /// Time left for the videos not yet done, at the run's average pace so far; null until a video has finished or
    /// while the total is unknown.
    /// </summary>
    public static TimeSpan? Eta(PipelineSnapshot now)
    {
        var r = now.Run;
        long finished = r.VideosDone + r.VideosFailed + r.VideosSkipped;
        if (r.VideosTotal <= 0 || finished <= 0 || now.Elapsed <= TimeSpan.Zero) return null;
        long left = Math.Max(0, r.VideosTotal - finished);
        return TimeSpan.FromSeconds(Math.Round(left * now.Elapsed.TotalSeconds / finished));
    }

    /// <summary><c>hh:mm:ss</c>, with hours past 24 kept as hours.</summary>
    public static string Clock(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}");

    private static string Total(long total) => total > 0 ? total.ToString(CultureInfo.InvariantCulture) : "?";
}
