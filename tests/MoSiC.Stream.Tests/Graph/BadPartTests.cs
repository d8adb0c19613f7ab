using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Graph;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Graph;

/// <summary>
/// Issue #19, item 3: a cache part that fails to read never stops a run. Train mode leaves its clips out, records and
/// counts it once, and quarantines it; the next track run tracks its clips again.
/// </summary>
public sealed class BadPartTests : IDisposable
{
    private readonly GraphHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [Fact]
    public async Task A_part_that_fails_to_read_is_quarantined_counted_once_and_tracked_again_by_the_next_track()
    {
        _h.Videos(4);
        var tracked = await _h.BuildAsync(RunMode.Track, null);
        Assert.Null((await tracked.RunAsync()).Fault);
        Assert.Equal(8, tracked.Cache.FinishedClips(tracked.Set).Count);

        // Damaged on the disk after it was recorded (here: cut short), as a flaky mount or a hostile writer leaves it.
        string[] parts = Directory.GetFiles(_h.Options.Cache.Dir, "part-*.parquet", SearchOption.AllDirectories);
        Assert.True(parts.Length > 1, "the corpus must fill more than one part");
        byte[] bytes = File.ReadAllBytes(parts[0]);
        File.WriteAllBytes(parts[0], bytes[..(bytes.Length / 2)]);

        var trainer = new RecordingTrainer();
        var train = await _h.BuildAsync(RunMode.Train, trainer);
        GraphOutcome outcome = await train.RunAsync();
        Assert.Null(outcome.Fault);
        Assert.Equal(1, train.Context.PartsUnreadable); // one part, however many of its clips were asked for
        Assert.Single(train.Context.Failures.Records, f => f.Path == parts[0]);
        IReadOnlyCollection<string> finished = TrajectoryCache.Open(_h.Options.Cache.Dir).FinishedClips(train.Set);
        Assert.InRange(finished.Count, 1, 7); // the quarantined part's clips no longer count as cached
        Assert.Equal(finished.Order(StringComparer.Ordinal), trainer.Keys.Order(StringComparer.Ordinal));

        var again = await _h.BuildAsync(RunMode.Track, null);
        Assert.Null((await again.RunAsync()).Fault);
        Assert.Equal(8, again.Cache.FinishedClips(again.Set).Count);
        Assert.True((await again.Cache.VerifyAsync(repair: false, CancellationToken.None)).Clean);
    }
}
