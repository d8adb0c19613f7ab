using System.Globalization;
using System.Text;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// What a run did and what held it back, built from its final snapshot and its timeline: per-stage totals, rates and
/// time fractions, per-buffer depth, and the bottleneck with a one-sentence reason. Writes <c>profile.json</c>,
/// <c>timeline.png</c> and <c>timeline.html</c>, and gives the console summary.
/// </summary>
public sealed class ProfileReport
{
    private ProfileReport(PipelineSnapshot final, IReadOnlyList<TimelineSample> timeline, RunIdentity? identity)
    {
        Identity = identity;
        Elapsed = final.Elapsed;
        Run = final.Run;
        Timeline = timeline;
        Stages = [.. final.Stages.Select(s => StageProfile.Of(s, final.Elapsed))];
        Queues = [.. final.Queues.Select(q => QueueProfile.Of(q, timeline))];
        TimelineTotals = Profiling.TimelineTotals.Of(Stages, timeline);
        // Mean fill over the run says more about pressure than the depth at the end, when buffers have drained.
        Bottleneck = Bottleneck.Find(final, Queues.ToDictionary(q => q.Name, q => q.MeanFill));
    }

    /// <summary>Builds the report of a run that ended at <paramref name="final"/>.</summary>
    /// <param name="final">The graph's snapshot at the end of the run.</param>
    /// <param name="timeline">The run's samples (<see cref="TimelineRecorder.Samples"/>); may be empty.</param>
    /// <param name="identity">Which run it was (pipeline, start, command, threads), shown in the pictures; null when unknown.</param>
    public static ProfileReport Create(PipelineSnapshot final, IReadOnlyList<TimelineSample> timeline, RunIdentity? identity = null)
    {
        ArgumentNullException.ThrowIfNull(final);
        ArgumentNullException.ThrowIfNull(timeline);
        return new ProfileReport(final, timeline, identity);
    }

    /// <summary>Which run this is, when known.</summary>
    public RunIdentity? Identity { get; }

    /// <summary>Run time.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The run's counters at the end.</summary>
    public RunSnapshot Run { get; }

    /// <summary>Stages, in graph order.</summary>
    public IReadOnlyList<StageProfile> Stages { get; }

    /// <summary>Buffers, in graph order.</summary>
    public IReadOnlyList<QueueProfile> Queues { get; }

    /// <summary>The timeline the report was built from.</summary>
    public IReadOnlyList<TimelineSample> Timeline { get; }

    /// <summary>Each stage's fractions read back from the timeline, with their difference from <see cref="Stages"/>.</summary>
    public IReadOnlyList<TimelineTotals> TimelineTotals { get; }

    /// <summary>The stage that limited the run, or null when no stage did any work.</summary>
    public Bottleneck? Bottleneck { get; }

    /// <summary>
    /// Writes <c>profile.json</c>, <c>timeline.png</c> and <c>timeline.html</c> into <paramref name="directory"/>
    /// (created if missing), each under a temporary name first; returns the three paths.
    /// </summary>
    public async Task<IReadOnlyList<string>> WriteAsync(string directory, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        string json = Path.Combine(directory, ProfileJson.FileName);
        string png = Path.Combine(directory, TimelinePlot.FileName);
        string html = Path.Combine(directory, TimelineHtml.FileName);
        await AtomicFile.WriteAsync(png, TimelinePlot.Render(this), ct).ConfigureAwait(false);
        await AtomicFile.WriteAsync(html, Encoding.UTF8.GetBytes(TimelineHtml.Render(this)), ct).ConfigureAwait(false);
        // The JSON goes last: it names the run's result, and a reader that finds it can count on the pictures.
        await AtomicFile.WriteAsync(json, ProfileJson.Render(this), ct).ConfigureAwait(false);
        return [json, png, html];
    }

    /// <summary>Lines for the console: the bottleneck, then one line per stage and per buffer.</summary>
    public IReadOnlyList<string> SummaryLines()
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            Bottleneck is { } b ? $"bottleneck: {b.Stage} ({b.Reason})" : "bottleneck: none (no stage did any work)",
        };
        int width = Math.Max(5, Stages.Select(s => s.Name.Length).Concat(Queues.Select(q => q.Name.Length)).DefaultIfEmpty(0).Max());
        foreach (var s in Stages)
            lines.Add(string.Format(c, "  {0} {1,8:0.00} items/s {2,7:0.0} MB/s in  busy {3,4} starved {4,4} blocked {5,4}",
                s.Name.PadRight(width), s.ItemsPerSecond, s.MegabytesInPerSecond, Pct(s.Busy), Pct(s.Starved), Pct(s.Blocked)));
        foreach (var q in Queues)
            lines.Add(string.Format(c, "  {0} mean {1,6:0.0}/{2} max {3}/{2} ({4} full on average)",
                q.Name.PadRight(width), q.MeanItems, q.Capacity, q.MaxItems, Pct(q.MeanFill)));
        return lines;
    }

    private static string Pct(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
