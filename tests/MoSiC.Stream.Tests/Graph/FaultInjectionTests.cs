using MoSiC.Stream.Graph;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Graph;

/// <summary>Injected storage faults and a decode time limit: retried, recorded or stopping the run, and never losing what was written.</summary>
[Trait(TestSpeed.Trait, TestSpeed.Heavy)]
public sealed class FaultInjectionTests : IDisposable
{
    private readonly GraphHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Transient_cache_faults_are_retried_and_every_clip_is_written_once()
    {
        _h.Videos(5);
        var faults = new FlakyStorage(every: 3);
        var built = await _h.BuildAsync(RunMode.Track, null, faults: faults);
        GraphOutcome outcome = await built.RunAsync();

        Assert.Null(outcome.Fault);
        Assert.Empty(built.Context.Failures.Records);
        Assert.True(faults.Injected >= 2, $"only {faults.Injected} faults injected");
        Assert.Contains(_h.Log, l => l.Contains("retry 1 of 4", StringComparison.Ordinal));
        Assert.Equal(10, built.Cache.FinishedClips(built.Set).Count);
        VerifyReport verify = await built.Cache.VerifyAsync(repair: false, default);
        Assert.True(verify.Clean, string.Join("; ", verify.Problems));
    }

    [Fact]
    public async Task A_cache_write_that_keeps_failing_becomes_failure_records_and_the_run_goes_on()
    {
        _h.Videos(3);
        _h.Options = _h.Options with { Runtime = _h.Options.Runtime with { StorageRetries = 1 } };
        var built = await _h.BuildAsync(RunMode.Track, null, faults: new FlakyStorage(every: 1));
        GraphOutcome outcome = await built.RunAsync();

        Assert.Null(outcome.Fault);
        Assert.Equal(3, built.Context.Failures.Records.Count);
        Assert.All(built.Context.Failures.Records, f => Assert.Equal("write", f.Stage));
        Assert.All(built.Context.Failures.Records, f => Assert.Contains("cache write failed after 1 retries", f.Reason));
        Assert.Empty(built.Cache.FinishedClips(built.Set));
    }

    [Fact]
    public async Task A_full_disk_stops_the_run_saying_so_and_keeps_every_clip_written_before()
    {
        _h.Videos(5);
        var built = await _h.BuildAsync(RunMode.Track, null, faults: new FullAfter(writes: 4));
        GraphOutcome outcome = await built.RunAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.IsType<IOException>(outcome.Fault);
        Assert.Contains("is full (no space left on device)", outcome.Fault!.Message);
        Assert.Contains("the clips written before are intact", outcome.Fault.Message);
        // 4 writes passed: two parts (each a part write and a manifest write), 2 clips each.
        Assert.Equal(4, built.Cache.FinishedClips(built.Set).Count);
        VerifyReport verify = await TrajectoryCache.Open(_h.Options.Cache.Dir).VerifyAsync(repair: false, default);
        Assert.True(verify.Clean, string.Join("; ", verify.Problems));
    }

    [Fact]
    public async Task A_video_past_the_decode_time_limit_is_killed_and_recorded()
    {
        _h.Videos(2);
        _h.Options = _h.Options with { Decode = _h.Options.Decode with { TimeoutSeconds = 0.01 } };
        var built = await _h.BuildAsync(RunMode.Track, null);
        GraphOutcome outcome = await built.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Null(outcome.Fault);
        Assert.Equal(2, built.Context.Failures.Records.Count);
        Assert.All(built.Context.Failures.Records, f => Assert.Contains("did not finish within decode.timeoutSeconds = 0.01 s; ffmpeg was killed", f.Reason));
    }

    /// <summary>Fails every <c>every</c>-th write (1: all of them) with a transient-looking I/O error.</summary>
    private sealed class FlakyStorage(int every) : IStorageFaults
    {
        private int _writes, _injected;

        public int Injected => _injected;

        public void BeforeWrite(string path)
        {
            if (Interlocked.Increment(ref _writes) % every != 0) return;
            Interlocked.Increment(ref _injected);
            throw new IOException($"injected: input/output error writing {Path.GetFileName(path)}");
        }

        public void BeforeRead(string path)
        {
        }
    }

    /// <summary>Lets <c>writes</c> writes through, then reports a full disk on every later one.</summary>
    private sealed class FullAfter(int writes) : IStorageFaults
    {
        private int _done;

        public void BeforeWrite(string path)
        {
            if (Interlocked.Increment(ref _done) > writes) throw new IOException("No space left on device", 28);
        }

        public void BeforeRead(string path)
        {
        }
    }
}
