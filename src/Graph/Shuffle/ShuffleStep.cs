using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;

namespace MoSiC.Stream.Graph.Shuffle;

/// <summary>
/// A bounded shuffle buffer between the stream and the trainer: the stream's entries come in plan order
/// (<see cref="PlanOrder"/>), and once <c>capacity</c> are held, each new one sends a random held one on, so the
/// streamed epoch's batches mix videos instead of being runs of one video's clips. Each entry that leaves takes the
/// next slot of the epoch; a clip already trained before a resume takes its slot and goes no further. Seeded, and
/// fed the same entries in the same order whatever was cached or trained before, so the slots are the same in every
/// run of the same pipeline and corpus.
/// </summary>
internal sealed class ShuffleStep(Pipe<ReadyClip> output, PlanOrder order, int capacity, int seed)
{
    private readonly List<StreamEntry> _held = [];
    private readonly Random _random = new(seed);
    private int _slot;

    public ValueTask RunAsync(StreamEntry entry, StageWorker worker, CancellationToken ct) => HoldAsync(order.Add(entry), worker, ct);

    /// <summary>Sends what the order still holds, then the held clips, in random order.</summary>
    public async ValueTask FlushAsync(StageWorker worker, CancellationToken ct)
    {
        await HoldAsync(order.Rest(), worker, ct).ConfigureAwait(false);
        while (_held.Count > 0) await SendAsync(worker, ct).ConfigureAwait(false);
    }

    public void Release()
    {
        order.Release();
        _held.ForEach(c => c.Dispose());
        _held.Clear();
    }

    private async ValueTask HoldAsync(IReadOnlyList<StreamEntry> due, StageWorker worker, CancellationToken ct)
    {
        for (int i = 0; i < due.Count; i++)
        {
            _held.Add(due[i]);
            try
            {
                if (_held.Count >= capacity) await SendAsync(worker, ct).ConfigureAwait(false);
            }
            catch
            {
                for (int rest = i + 1; rest < due.Count; rest++) due[rest].Dispose();
                throw;
            }
        }
    }

    private async ValueTask SendAsync(StageWorker worker, CancellationToken ct)
    {
        int i = _random.Next(_held.Count);
        StreamEntry entry = _held[i];
        _held[i] = _held[^1];
        _held.RemoveAt(_held.Count - 1);
        int slot = _slot++;
        if (entry.Ready is not { } clip) return;
        await output.WriteOwnedAsync(clip with { Slot = slot }, clip.Pixels.Bytes, worker, ct).ConfigureAwait(false);
    }
}
