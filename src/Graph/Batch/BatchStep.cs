using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;

namespace MoSiC.Stream.Graph.Batch;

/// <summary>
/// Gathers clips of one frame size into batches of <c>size</c> for the tracker. Clips of other sizes wait in their own
/// group; when more than two batches' worth are held across groups (a corpus decoded at native sizes), the fullest
/// group goes out short rather than letting the groups grow without bound. Given the plan order's <c>full</c> signal,
/// it also sends what it holds when its input is empty while discover waits for room in the order: the order may be
/// waiting for exactly those clips, and no more will come until it gets them.
/// </summary>
internal sealed class BatchStep(Pipe<IReadOnlyList<ClipWork>> output, int size, Func<Task>? full = null)
{
    private readonly Dictionary<(int Width, int Height), List<ClipWork>> _groups = [];
    private int _held;

    /// <summary>Batches the clips of <paramref name="input"/> until it completes, then sends what is left.</summary>
    public async Task RunAsync(Pipe<ClipWork> input, StageWorker worker, CancellationToken ct)
    {
        IAsyncEnumerator<ClipWork> clips = input.ReadAllAsync(worker, ct).GetAsyncEnumerator(ct);
        Task<bool>? next = null;
        try
        {
            while (true)
            {
                next ??= clips.MoveNextAsync().AsTask();
                if (full is not null && _held > 0 && !next.IsCompleted && await Task.WhenAny(next, full()).ConfigureAwait(false) != next)
                {
                    await worker.TimeAsync(() => FlushAsync(worker, ct)).ConfigureAwait(false);
                    continue;
                }

                if (!await next.ConfigureAwait(false)) break;
                next = null;
                ClipWork clip = clips.Current;
                await worker.TimeAsync(() => AddAsync(clip, worker, ct)).ConfigureAwait(false);
            }

            await worker.TimeAsync(() => FlushAsync(worker, ct)).ConfigureAwait(false);
        }
        finally
        {
            // An enumerator still waiting for an item cannot be disposed; the pipe completes or faults without it.
            if (next is null || next.IsCompleted) await clips.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask AddAsync(ClipWork clip, StageWorker worker, CancellationToken ct)
    {
        var key = (clip.Pixels.Width, clip.Pixels.Height);
        if (!_groups.TryGetValue(key, out List<ClipWork>? group)) _groups[key] = group = [];
        group.Add(clip);
        _held++;
        if (group.Count == size) await SendAsync(key, worker, ct).ConfigureAwait(false);
        else if (_held > 2 * size) await SendAsync(_groups.MaxBy(g => g.Value.Count).Key, worker, ct).ConfigureAwait(false);
    }

    /// <summary>Sends what is held, in short batches.</summary>
    private async ValueTask FlushAsync(StageWorker worker, CancellationToken ct)
    {
        foreach (var key in _groups.Where(g => g.Value.Count > 0).Select(g => g.Key).ToArray()) await SendAsync(key, worker, ct).ConfigureAwait(false);
    }

    /// <summary>Releases clips never sent (a failed run).</summary>
    public void Release()
    {
        foreach (ClipWork clip in _groups.Values.SelectMany(g => g)) clip.Dispose();
        _groups.Clear();
    }

    private async ValueTask SendAsync((int, int) key, StageWorker worker, CancellationToken ct)
    {
        ClipWork[] batch = [.. _groups[key]];
        _groups[key].Clear();
        _held -= batch.Length;
        try
        {
            await output.WriteAsync(batch, batch.Sum(c => c.Pixels.Bytes), worker, ct).ConfigureAwait(false);
        }
        catch
        {
            foreach (ClipWork clip in batch) clip.Dispose();
            throw;
        }
    }
}
