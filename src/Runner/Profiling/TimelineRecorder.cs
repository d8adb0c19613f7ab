using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// Samples a <see cref="PipelineStats"/> at a fixed interval into a timeline: per stage, the fraction of its workers'
/// time spent busy, starved and blocked in each interval; per buffer, its depth. Stage statistics count each
/// worker's current state up to the moment of the snapshot, so a long item or wait is spread over every interval it
/// spans, and a sample's fractions are exact. Memory is bounded: past <see cref="TimelineOptions.MaxSamples"/>
/// adjacent samples merge in pairs and later samples cover twice the time.
/// </summary>
/// <remarks>
/// Built with the constructor, the recorder samples only when <see cref="Sample"/> is called (tests, or a caller with
/// its own clock). <see cref="Start"/> also samples on a timer until disposed. Disposing takes one last sample, so the
/// tail of the run is never lost. Times are the run's (<see cref="PipelineStats.Elapsed"/>): the first sample starts
/// where the run's clock does, so the timeline covers the same time as the run's summary and agrees with it; work
/// done before the recorder was built is left out.
/// </remarks>
public sealed class TimelineRecorder : IAsyncDisposable
{
    private readonly PipelineStats _stats;
    private readonly TimelineOptions _options;
    private readonly Lock _gate = new();
    private readonly List<TimelineSample> _samples = [];
    // How many raw intervals each stored sample covers; the last one fills up to _stride before a new one starts.
    private readonly List<int> _spans = [];
    private int _stride = 1;
    private TimeSpan _lastElapsed;
    private Dictionary<string, StageSnapshot> _lastStages;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private bool _disposed;

    /// <summary>A recorder that samples only when <see cref="Sample"/> is called.</summary>
    public TimelineRecorder(PipelineStats stats, TimelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        options ??= new TimelineOptions();
        options.Validate();
        _stats = stats;
        _options = options;
        _lastStages = ByName(stats.Snapshot());
    }

    /// <summary>A recorder that samples every <see cref="TimelineOptions.Interval"/> until disposed.</summary>
    public static TimelineRecorder Start(PipelineStats stats, TimelineOptions? options = null)
    {
        var recorder = new TimelineRecorder(stats, options);
        recorder._stop = new CancellationTokenSource();
        recorder._loop = recorder.RunAsync(recorder._stop.Token);
        return recorder;
    }

    /// <summary>Nominal time each stored sample now covers: the interval, doubled at every coarsening.</summary>
    public TimeSpan Resolution
    {
        get { lock (_gate) return _options.Interval * _stride; }
    }

    /// <summary>The samples so far, oldest first (a copy).</summary>
    public IReadOnlyList<TimelineSample> Samples
    {
        get { lock (_gate) return [.. _samples]; }
    }

    /// <summary>
    /// Measures the span since the previous sample and adds it to the timeline; returns it, or null when no time has
    /// passed (nothing to measure).
    /// </summary>
    public TimelineSample? Sample()
    {
        lock (_gate)
        {
            var now = _stats.Snapshot();
            TimeSpan elapsed = now.Elapsed;
            TimeSpan span = elapsed - _lastElapsed;
            if (span <= TimeSpan.Zero) return null;
            var sample = Measure(now, elapsed, span);
            _lastElapsed = elapsed;
            _lastStages = ByName(now);
            Add(sample);
            return sample;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_stop is not null)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _loop!.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The loop ends by cancellation; that is its normal end.
            }
            _stop.Dispose();
        }
        Sample();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.Interval, _options.Time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            Sample();
    }

    private TimelineSample Measure(PipelineSnapshot now, TimeSpan elapsed, TimeSpan span)
    {
        double seconds = span.TotalSeconds;
        var stages = new List<StageSample>(now.Stages.Count);
        foreach (var stage in now.Stages)
        {
            _lastStages.TryGetValue(stage.Name, out var before);
            double capacity = seconds * Math.Max(1, stage.Workers);
            stages.Add(new StageSample(stage.Name,
                Fraction(stage.BusySeconds - (before?.BusySeconds ?? 0), capacity),
                Fraction(stage.StarvedSeconds - (before?.StarvedSeconds ?? 0), capacity),
                Fraction(stage.BlockedSeconds - (before?.BlockedSeconds ?? 0), capacity),
                (stage.ItemsOut - (before?.ItemsOut ?? 0)) / seconds));
        }
        var queues = now.Queues.Select(q => new QueueSample(q.Name, q.Capacity, q.ByteCapacity, q.Count, q.Bytes, q.Count, q.Bytes)).ToList();
        return new TimelineSample(elapsed, span, stages, queues);
    }

    // Exact to the clock's resolution; the clamp only keeps rounding from showing 100.0001 %.
    private static double Fraction(double workerSeconds, double capacity) => Math.Clamp(workerSeconds / capacity, 0, 1);

    private void Add(TimelineSample sample)
    {
        if (_spans.Count > 0 && _spans[^1] < _stride)
        {
            _samples[^1] = TimelineMerge.Merge(_samples[^1], sample);
            _spans[^1]++;
        }
        else
        {
            _samples.Add(sample);
            _spans.Add(1);
        }
        if (_samples.Count > _options.MaxSamples) Halve();
    }

    private void Halve()
    {
        int kept = 0;
        for (int i = 0; i < _samples.Count; i += 2, kept++)
        {
            if (i + 1 < _samples.Count)
            {
                _samples[kept] = TimelineMerge.Merge(_samples[i], _samples[i + 1]);
                _spans[kept] = _spans[i] + _spans[i + 1];
            }
            else
            {
                // An odd sample out stays as it is; it is the newest and fills up to the new stride.
                _samples[kept] = _samples[i];
                _spans[kept] = _spans[i];
            }
        }
        _samples.RemoveRange(kept, _samples.Count - kept);
        _spans.RemoveRange(kept, _spans.Count - kept);
        _stride *= 2;
    }

    private static Dictionary<string, StageSnapshot> ByName(PipelineSnapshot snapshot)
    {
        var map = new Dictionary<string, StageSnapshot>();
        foreach (var stage in snapshot.Stages) map[stage.Name] = stage;
        return map;
    }
}
