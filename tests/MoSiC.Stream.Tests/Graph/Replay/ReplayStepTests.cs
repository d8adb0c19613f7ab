using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Graph.Replay;
using MoSiC.Stream.Graph.Train;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Graph.Replay;

/// <summary>Later epochs load clips on several workers and still hand them to the trainer in exactly the seeded order.</summary>
public sealed class ReplayStepTests : IDisposable
{
    private readonly GraphHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    [Fact]
    public async Task Two_workers_replay_the_same_keys_in_the_same_order_as_one()
    {
        _h.Videos(4);
        var filled = await _h.BuildAsync(RunMode.Track, null);
        Assert.Null((await filled.RunAsync()).Fault);
        var clips = GraphHarness.ReplayClips(filled.Cache, filled.Set, filled.Plan);
        Assert.Equal(8, clips.Count);

        async Task<IReadOnlyList<(int Epoch, int Slot, string Key)>> ReplayAsync(int workers)
        {
            _h.Options = _h.Options with
            {
                Trainer = _h.Options.Trainer with { Epochs = 3, Seed = 11 },
                Runtime = _h.Options.Runtime with { Threads = new ThreadOptions { DecodeWorkers = workers } },
            };
            // Resumed past the streamed epoch: the graph replays epochs 1 and 2 from the cache only.
            var trainer = new RecordingTrainer(resume: new DataStart(1, 3));
            var built = await _h.BuildAsync(RunMode.Train, trainer);
            GraphOutcome outcome = await built.Graph.RunAsync([], new CancellationTokenSource(), default);
            Assert.Null(outcome.Fault);
            Assert.Empty(built.Context.Failures.Records);
            return trainer.Order;
        }

        var one = await ReplayAsync(1);
        var two = await ReplayAsync(2);

        // Epoch 1 from slot 3, then all of epoch 2, each in DataOrder's permutation of the clip list.
        var expected = new List<(int, int, string)>();
        for (int epoch = 1; epoch < 3; epoch++)
        {
            int[] order = DataOrder.Shuffle(clips.Count, 11, epoch);
            for (int slot = epoch == 1 ? 3 : 0; slot < clips.Count; slot++) expected.Add((epoch, slot, clips[order[slot]].Key));
        }

        Assert.Equal(expected, one);
        Assert.Equal(one, two);
    }
}
