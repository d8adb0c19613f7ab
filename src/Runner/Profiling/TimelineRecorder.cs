using MoSiC.Stream.Graph.Metrics;

namespace MoSiC.Stream.Runner.Profiling;

/// <summary>
/// Samples a <see cref="PipelineStats"/> at a fixed interval into a timeline: per stage, the fraction of its workers'
/// time spent busy, starved and blocked in each interval; per buffer, its depth. Memory is bounded: past
/// <see cref="TimelineOptions.MaxSamples"/> adjacent samples merge in pairs and later samples cover twice the time.
/// </summary>
/// <remarks>
/// Built with the constructor, the recorder samples only when <see cref="Sample"/> is called (tests, or a caller with
/// its own clock). <see cref="Start"/> also samples on a timer until disposed. Disposing takes one last sample, so the
/// tail of the run is never lost. Times are measured from the recorder's construction.
/// </remarks>
public sealed class TimelineRecorder : IAsyncDisposable
{
    private readonly PipelineStats _stats;
    private readonly TimelineOptions _options;
    private readonly long _origin;
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
        _origin = options.Time.GetTimestamp();
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
            TimeSpan elapsed = _options.Time.GetElapsedTime(_origin);
            TimeSpan span = elapsed - _lastElapsed;
            if (span <= TimeSpan.Zero) return null;
            var now = _stats.Snapshot();
            var sample = SpreadBack(Measure(now, elapsed, span), now);
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

    // Unclamped here: SpreadBack moves what exceeds the interval to where it happened.
    private static double Fraction(double workerSeconds, double capacity) => Math.Max(0, workerSeconds / capacity);

    /// <summary>
    /// Workers credit their time when a wait or an item ends, so a 20 s training step lands whole in the interval
    /// where it ends and would draw as one clamped spike. What exceeds the interval (busy first, then starved, then
    /// blocked) is spread back over the stage's free room in the samples before it, newest first, which is where that
    /// time was spent; the timeline then shows the stage busy for the step's length. Totals over the run are unchanged
    /// (up to time that predates the recorder, which is dropped).
    /// </summary>
    private TimelineSample SpreadBack(TimelineSample sample, PipelineSnapshot now)
    {
        var stages = new List<StageSample>(sample.Stages.Count);
        foreach (StageSample stage in sample.Stages)
        {
            int workers = Math.Max(1, now.Stages.FirstOrDefault(s => s.Name == stage.Name)?.Workers ?? 1);
            double room = 1;
            double[] shares = [stage.Busy, stage.Starved, stage.Blocked];
            double[] excess = new double[3];
            for (int k = 0; k < 3; k++)
            {
                double kept = Math.Min(shares[k], room);
                excess[k] = (shares[k] - kept) * sample.Duration.TotalSeconds * workers; // worker-seconds
                shares[k] = kept;
                room -= kept;
            }

            for (int i = _samples.Count - 1; i >= 0 && excess.Any(e => e > 1e-9); i--)
            {
                int at = -1;
                for (int j = 0; j < _samples[i].Stages.Count; j++)
                {
                    if (_samples[i].Stages[j].Name == stage.Name) at = j;
                }

                if (at < 0) break;
                StageSample past = _samples[i].Stages[at];
                double capacity = _samples[i].Duration.TotalSeconds * workers;
                double free = 1 - past.Busy - past.Starved - past.Blocked;
                double[] add = new double[3];
                for (int k = 0; k < 3 && free > 1e-12; k++)
                {
                    add[k] = Math.Min(excess[k] / capacity, free);
                    excess[k] -= add[k] * capacity;
                    free -= add[k];
                }

                if (add.All(a => a == 0)) continue;
                var pastStages = _samples[i].Stages.ToArray();
                pastStages[at] = past with { Busy = past.Busy + add[0], Starved = past.Starved + add[1], Blocked = past.Blocked + add[2] };
                _samples[i] = _samples[i] with { Stages = pastStages };
            }

            stages.Add(stage with { Busy = shares[0], Starved = shares[1], Blocked = shares[2] });
        }

        return sample with { Stages = stages };
    }

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
