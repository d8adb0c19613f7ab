using System.Diagnostics.Metrics;

namespace MoSiC.Stream.Graph.Metrics;

/// <summary>
/// Publishes a <see cref="PipelineStats"/> through <see cref="System.Diagnostics.Metrics"/> under the meter
/// <see cref="MeterName"/>, so <c>dotnet-counters monitor --counters MoSiC.Stream.Pipeline</c> and OpenTelemetry
/// read the run while it goes. Every instrument is observable: nothing is pushed, the statistics are read
/// (one cheap snapshot per instrument) only when a listener collects.
/// </summary>
/// <remarks>
/// Stage instruments carry the tag <c>stage</c>, buffer instruments the tag <c>queue</c>. Counters are monotonic
/// totals (listeners derive rates); gauges are values now. Disposing the meter ends publication.
/// </remarks>
public sealed class PipelineMeter : IDisposable
{
    /// <summary>The name listeners subscribe to.</summary>
    public const string MeterName = "MoSiC.Stream.Pipeline";

    private readonly PipelineStats _stats;

    /// <summary>Starts publishing <paramref name="stats"/>.</summary>
    public PipelineMeter(PipelineStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        _stats = stats;
        Meter = new Meter(MeterName, typeof(PipelineMeter).Assembly.GetName().Version?.ToString());

        Meter.CreateObservableCounter("mosic.stage.items_in", () => PerStage(s => s.ItemsIn), "{item}", "Items a stage took from its input.");
        Meter.CreateObservableCounter("mosic.stage.items_out", () => PerStage(s => s.ItemsOut), "{item}", "Items a stage handed to its output.");
        Meter.CreateObservableCounter("mosic.stage.bytes_in", () => PerStage(s => s.BytesIn), "By", "Bytes of the items a stage took.");
        Meter.CreateObservableCounter("mosic.stage.bytes_out", () => PerStage(s => s.BytesOut), "By", "Bytes of the items a stage handed on.");
        Meter.CreateObservableCounter("mosic.stage.busy", () => PerStage(s => s.BusySeconds), "s", "Worker-seconds spent working.");
        Meter.CreateObservableCounter("mosic.stage.starved", () => PerStage(s => s.StarvedSeconds), "s", "Worker-seconds spent waiting for input.");
        Meter.CreateObservableCounter("mosic.stage.blocked", () => PerStage(s => s.BlockedSeconds), "s", "Worker-seconds spent waiting for room downstream.");

        Meter.CreateObservableGauge("mosic.queue.items", () => PerQueue(q => q.Count), "{item}", "Items in a buffer now.");
        Meter.CreateObservableGauge("mosic.queue.bytes", () => PerQueue(q => q.Bytes), "By", "Bytes of the items in a buffer now.");

        Meter.CreateObservableGauge("mosic.run.videos_done", () => Run().VideosDone, "{video}", "Videos whose clips all went on.");
        Meter.CreateObservableGauge("mosic.run.videos_failed", () => Run().VideosFailed, "{video}", "Videos that failed.");
        Meter.CreateObservableGauge("mosic.run.clips_tracked", () => Run().ClipsTracked, "{clip}", "Clips tracked in this run.");
        Meter.CreateObservableGauge("mosic.run.clips_cached", () => Run().ClipsCached, "{clip}", "Clips found in the cache.");
        Meter.CreateObservableGauge("mosic.train.step", () => Run().Step, "{step}", "Last finished trainer step.");
        Meter.CreateObservableGauge("mosic.train.loss", Loss, null, "Loss of the last trainer step.");
    }

    /// <summary>The meter itself, for listeners that filter on the instance rather than the name (tests, several runs in one process).</summary>
    public Meter Meter { get; }

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();

    private IEnumerable<Measurement<T>> PerStage<T>(Func<StageSnapshot, T> value) where T : struct
    {
        foreach (var stage in _stats.Snapshot().Stages)
            yield return new Measurement<T>(value(stage), new KeyValuePair<string, object?>("stage", stage.Name));
    }

    private IEnumerable<Measurement<long>> PerQueue(Func<QueueSnapshot, long> value)
    {
        foreach (var queue in _stats.Snapshot().Queues)
            yield return new Measurement<long>(value(queue), new KeyValuePair<string, object?>("queue", queue.Name));
    }

    private RunSnapshot Run() => _stats.Run.Snapshot();

    // Before the first step the loss is NaN; reporting nothing keeps NaN out of dashboards.
    private IEnumerable<Measurement<double>> Loss()
    {
        double loss = Run().Loss;
        if (!double.IsNaN(loss)) yield return new Measurement<double>(loss);
    }
}
