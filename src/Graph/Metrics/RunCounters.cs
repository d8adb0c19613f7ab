namespace MoSiC.Stream.Graph.Metrics;

/// <summary>The run's progress in the user's terms: videos, clips, trainer steps. Updated by the stages, read by the progress view.</summary>
public sealed class RunCounters
{
    private long _videosDone, _videosFailed, _videosSkipped, _clipsTracked, _clipsCached, _clipsTrained, _step;
    private double _loss = double.NaN;

    /// <summary>Videos the run will look at (after sharding); known once discovery ends.</summary>
    public int VideosTotal { get; set; }

    /// <summary>Trainer steps the run will take in all (0 when it does not train).</summary>
    public long StepsTotal { get; set; }

    /// <summary>Counts a video whose clips all went on (tracked, cached or both).</summary>
    public void VideoDone() => Interlocked.Increment(ref _videosDone);

    /// <summary>Counts a video that failed (it has a failure record).</summary>
    public void VideoFailed() => Interlocked.Increment(ref _videosFailed);

    /// <summary>Counts a video left out on purpose (another shard's, or no cached tracks in train mode).</summary>
    public void VideoSkipped() => Interlocked.Increment(ref _videosSkipped);

    /// <summary>Counts clips tracked in this run.</summary>
    public void Tracked(int clips) => Interlocked.Add(ref _clipsTracked, clips);

    /// <summary>Counts clips found in the cache.</summary>
    public void Cached(int clips) => Interlocked.Add(ref _clipsCached, clips);

    /// <summary>Records a finished trainer step.</summary>
    public void Stepped(long step, int clips, double loss)
    {
        Interlocked.Exchange(ref _step, step);
        Interlocked.Add(ref _clipsTrained, clips);
        Interlocked.Exchange(ref _loss, loss);
    }

    /// <summary>The counts now.</summary>
    public RunSnapshot Snapshot() => new(VideosTotal, Interlocked.Read(ref _videosDone), Interlocked.Read(ref _videosFailed), Interlocked.Read(ref _videosSkipped),
        Interlocked.Read(ref _clipsTracked), Interlocked.Read(ref _clipsCached), Interlocked.Read(ref _clipsTrained),
        Interlocked.Read(ref _step), StepsTotal, Interlocked.CompareExchange(ref _loss, 0, 0));
}

/// <summary>The run's counts at one moment; <see cref="Loss"/> is NaN before the first step.</summary>
public sealed record RunSnapshot(int VideosTotal, long VideosDone, long VideosFailed, long VideosSkipped, long ClipsTracked, long ClipsCached,
    long ClipsTrained, long Step, long StepsTotal, double Loss);
