using System.Diagnostics.Metrics;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Graph.Metrics;

public class PipelineMeterTests
{
    private sealed class Reading : IDisposable
    {
        private readonly MeterListener _listener = new();
        public readonly Dictionary<(string Instrument, string? Tag), double> Values = [];

        public Reading(Meter meter)
        {
            // Filter on the instance: other tests may publish a meter of the same name at the same time.
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
            _listener.Start();
        }

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            Values[(instrument.Name, tags.Length > 0 ? $"{tags[0].Key}={tags[0].Value}" : null)] = value;

        public void Collect()
        {
            Values.Clear();
            _listener.RecordObservableInstruments();
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public void Publishes_stage_queue_and_run_values_under_the_pipeline_meter()
    {
        var stats = new PipelineStats();
        var decode = stats.Stage("decode", 2);
        var track = stats.Stage("track", 1);
        var buffer = stats.Queue("decode→track", 8, 1_000_000);
        decode.Received(100);
        decode.Received(200);
        decode.Sent(1000);
        decode.Busy(MadeUpSnapshots.Ticks(1.5));
        decode.Blocked(MadeUpSnapshots.Ticks(0.25));
        track.Starved(MadeUpSnapshots.Ticks(2));
        buffer.Entered(1000);
        stats.Run.VideosTotal = 10;
        stats.Run.VideoDone();
        stats.Run.VideoFailed();
        stats.Run.VideoFailed();
        stats.Run.Tracked(5);
        stats.Run.Cached(3);

        using var meter = new PipelineMeter(stats);
        Assert.Equal("MoSiC.Stream.Pipeline", meter.Meter.Name);
        using var reading = new Reading(meter.Meter);
        reading.Collect();
        var v = reading.Values;

        Assert.Equal(2, v[("mosic.stage.items_in", "stage=decode")]);
        Assert.Equal(300, v[("mosic.stage.bytes_in", "stage=decode")]);
        Assert.Equal(1, v[("mosic.stage.items_out", "stage=decode")]);
        Assert.Equal(1000, v[("mosic.stage.bytes_out", "stage=decode")]);
        Assert.Equal(0, v[("mosic.stage.items_in", "stage=track")]);
        Assert.Equal(1.5, v[("mosic.stage.busy", "stage=decode")], 6);
        Assert.Equal(0.25, v[("mosic.stage.blocked", "stage=decode")], 6);
        Assert.Equal(2, v[("mosic.stage.starved", "stage=track")], 6);
        Assert.Equal(1, v[("mosic.queue.items", "queue=decode→track")]);
        Assert.Equal(1000, v[("mosic.queue.bytes", "queue=decode→track")]);
        Assert.Equal(1, v[("mosic.run.videos_done", null)]);
        Assert.Equal(2, v[("mosic.run.videos_failed", null)]);
        Assert.Equal(5, v[("mosic.run.clips_tracked", null)]);
        Assert.Equal(3, v[("mosic.run.clips_cached", null)]);
        Assert.Equal(0, v[("mosic.train.step", null)]);
        Assert.False(v.ContainsKey(("mosic.train.loss", null)), "no loss before the first step");

        // Values are read at collection time, so later updates show up in the next collection.
        stats.Run.Stepped(7, 4, 2.5);
        buffer.Left(1000);
        decode.Sent(10);
        reading.Collect();
        Assert.Equal(7, v[("mosic.train.step", null)]);
        Assert.Equal(2.5, v[("mosic.train.loss", null)]);
        Assert.Equal(0, v[("mosic.queue.items", "queue=decode→track")]);
        Assert.Equal(2, v[("mosic.stage.items_out", "stage=decode")]);
    }

    [Fact]
    public void Instrument_kinds_let_listeners_derive_rates_from_counters()
    {
        using var meter = new PipelineMeter(new PipelineStats());
        var kinds = new Dictionary<string, Type>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter, meter.Meter)) kinds[instrument.Name] = instrument.GetType().GetGenericTypeDefinition();
            },
        };
        listener.Start();

        foreach (string name in new[] { "mosic.stage.items_in", "mosic.stage.items_out", "mosic.stage.bytes_in", "mosic.stage.bytes_out", "mosic.stage.busy", "mosic.stage.starved", "mosic.stage.blocked" })
            Assert.Equal(typeof(ObservableCounter<>), kinds[name]);
        foreach (string name in new[] { "mosic.queue.items", "mosic.queue.bytes", "mosic.run.videos_done", "mosic.run.videos_failed", "mosic.run.clips_tracked", "mosic.run.clips_cached", "mosic.train.step", "mosic.train.loss" })
            Assert.Equal(typeof(ObservableGauge<>), kinds[name]);
    }
}
