using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;

namespace MoSiC.Stream.Graph.Shuffle;

/// <summary>
/// A bounded shuffle buffer between the stream and the trainer: once <c>capacity</c> clips are held, each new clip
/// sends a random held one on, so the streamed epoch's batches mix videos instead of being runs of one video's clips.
/// Seeded, so the choice is reproducible for the same arrival order.
/// </summary>
internal sealed class ShuffleStep(Pipe<ReadyClip> output, int capacity, int seed)
{
    private readonly List<ReadyClip> _held = [];
    private readonly Random _random = new(seed);

    public async ValueTask RunAsync(ReadyClip clip, StageWorker worker, CancellationToken ct)
    {
        _held.Add(clip);
        if (_held.Count >= capacity) await SendAsync(worker, ct).ConfigureAwait(false);
    }

    /// <summary>Sends the held clips, in random order.</summary>
    public async ValueTask FlushAsync(StageWorker worker, CancellationToken ct)
    {
        while (_held.Count > 0) await SendAsync(worker, ct).ConfigureAwait(false);
    }

    public void Release()
    {
        _held.ForEach(c => c.Dispose());
        _held.Clear();
    }

    private async ValueTask SendAsync(StageWorker worker, CancellationToken ct)
    {
        int i = _random.Next(_held.Count);
        ReadyClip clip = _held[i];
        _held[i] = _held[^1];
        _held.RemoveAt(_held.Count - 1);
        await output.WriteOwnedAsync(clip, clip.Pixels.Bytes, worker, ct).ConfigureAwait(false);
    }
}
