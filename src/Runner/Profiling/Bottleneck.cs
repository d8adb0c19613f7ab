using System.Globalization;
using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>The stage that limits the run's throughput, its busy fraction, and why it was named.</summary>
/// <param name="Stage">Stage name.</param>
/// <param name="Busy">Fraction of its workers' wall time it spent working.</param>
/// <param name="Reason">One sentence, e.g. <c>track busy 97% of its time; decode blocked 80% waiting for it; train starved 70%</c>.</param>
public sealed record Bottleneck(string Stage, double Busy, string Reason)
{
    /// <summary>
    /// Busy fractions closer than this to the highest count as a tie; the tie goes to the stage whose input buffer is
    /// fullest and whose consumer is most starved, the signs of a stage that holds the others back.
    /// </summary>
    public const double NearTie = 0.05;

    /// <summary>
    /// Names the bottleneck over a span: <paramref name="span"/>'s stage totals are over <see cref="PipelineSnapshot.Elapsed"/>
    /// (a whole run's final snapshot, or a difference from <see cref="SnapshotMath.Since"/>). <paramref name="queueFill"/>
    /// gives each buffer's fill in [0, 1] over the span; without it the fill in <paramref name="span"/> is used.
    /// Null when no stage did any work.
    /// </summary>
    public static Bottleneck? Find(PipelineSnapshot span, IReadOnlyDictionary<string, double>? queueFill = null)
    {
        ArgumentNullException.ThrowIfNull(span);
        var fractions = span.Stages.ToDictionary(s => s.Name, s => s.Fractions(span.Elapsed));
        if (fractions.Count == 0) return null;
        double top = fractions.Values.Max(f => f.Busy);
        if (top <= 0) return null;

        queueFill ??= span.Queues.ToDictionary(q => q.Name, q => q.Capacity > 0 ? Math.Clamp((double)q.Count / q.Capacity, 0, 1) : 0);
        var links = new GraphLinks([.. span.Stages.Select(s => s.Name)], span.Queues.Select(q => q.Name));

        double Pressure(string stage)
        {
            double fill = links.InputQueue(stage) is { } q && queueFill.TryGetValue(q, out double f) ? f : 0;
            double starved = links.Downstream(stage) is { } d && fractions.TryGetValue(d, out var df) ? df.Starved : 0;
            return fill + starved;
        }

        string name = span.Stages
            .Where(s => fractions[s.Name].Busy >= top - NearTie)
            .OrderByDescending(s => Pressure(s.Name))
            .ThenByDescending(s => fractions[s.Name].Busy)
            .First().Name;

        var reason = new List<string> { $"{name} busy {Percent(fractions[name].Busy)} of its time" };
        if (links.Upstream(name) is { } up && fractions.TryGetValue(up, out var uf))
            reason.Add($"{up} blocked {Percent(uf.Blocked)} waiting for it");
        if (links.Downstream(name) is { } down && fractions.TryGetValue(down, out var df))
            reason.Add($"{down} starved {Percent(df.Starved)}");
        return new Bottleneck(name, fractions[name].Busy, string.Join("; ", reason));
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
