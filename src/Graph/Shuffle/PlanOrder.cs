using MoSiC.Stream.Graph.Messages;

namespace MoSiC.Stream.Graph.Shuffle;

/// <summary>
/// Puts the streamed epoch back in plan order before the shuffle, so the trainer sees the same clips in the same
/// order however decode workers, cache hits and the tracker interleave, and whatever a killed run left cached or
/// trained. Video <c>n</c>'s entries go on once its end has come and every entry it announced has arrived; later
/// videos wait. Discover lets a video in only while fewer than <c>window</c> are held, so what waits is bounded.
/// </summary>
internal sealed class PlanOrder(int window) : IDisposable
{
    private readonly SemaphoreSlim _room = new(window);
    private readonly Dictionary<int, Held> _videos = [];
    private TaskCompletionSource _full = NewFull();
    private int _next;

    /// <summary>Completes while discover waits for room: nothing more enters until the order releases a video.</summary>
    public Task Full => Volatile.Read(ref _full).Task;

    /// <summary>Waits until one more video may enter the graph.</summary>
    public async Task EnterAsync(CancellationToken ct)
    {
        if (_room.Wait(0)) return;
        Volatile.Read(ref _full).TrySetResult();
        await _room.WaitAsync(ct).ConfigureAwait(false);
        Volatile.Write(ref _full, NewFull());
    }

    /// <summary>Takes <paramref name="entry"/>; returns the entries now due (clips and trained places), in plan order.</summary>
    public IReadOnlyList<StreamEntry> Add(StreamEntry entry)
    {
        if (!_videos.TryGetValue(entry.Video, out Held? held)) _videos[entry.Video] = held = new Held();
        if (entry.Kind == StreamEntryKind.VideoEnd) held.Expected = entry.Count;
        else held.Entries.Add(entry);
        List<StreamEntry>? due = null;
        while (_videos.TryGetValue(_next, out Held? head) && head.Complete)
        {
            _videos.Remove(_next++);
            _room.Release();
            (due ??= []).AddRange(Ordered(head));
        }

        return due ?? (IReadOnlyList<StreamEntry>)[];
    }

    /// <summary>The stream ended: whatever is still held (videos cut short by a stop), in plan order.</summary>
    public IReadOnlyList<StreamEntry> Rest()
    {
        StreamEntry[] rest = [.. _videos.OrderBy(v => v.Key).SelectMany(v => Ordered(v.Value))];
        _videos.Clear();
        return rest;
    }

    /// <summary>Releases the frames of everything held (a failed run).</summary>
    public void Release()
    {
        foreach (StreamEntry entry in _videos.Values.SelectMany(v => v.Entries)) entry.Dispose();
        _videos.Clear();
    }

    public void Dispose() => _room.Dispose();

    private static TaskCompletionSource NewFull() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // OrderBy is stable: two entries of one clip index (a video planned again after some clips left) keep arrival order.
    private static IEnumerable<StreamEntry> Ordered(Held held) => held.Entries.Where(e => e.Kind != StreamEntryKind.Lost).OrderBy(e => e.Clip);

    private sealed class Held
    {
        public List<StreamEntry> Entries { get; } = [];

        public int? Expected { get; set; }

        public bool Complete => Entries.Count == Expected;
    }
}
