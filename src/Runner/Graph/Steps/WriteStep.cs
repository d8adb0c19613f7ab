using MoSiC.Stream.Runner.Graph.Messages;

namespace MoSiC.Stream.Runner.Graph.Steps;

/// <summary>
/// Writes each tracked batch to the cache as one atomic part, marks its clips finished, and passes them on to the
/// trainer with their new tracks (or releases them when nothing trains on the stream).
/// </summary>
internal sealed class WriteStep(GraphContext g, Pipe<ReadyClip>? ready)
{
    public int Parts { get; private set; }

    public async ValueTask RunAsync(TrackedBatch batch, StageWorker worker, CancellationToken ct)
    {
        try
        {
            await g.Cache.WriteAsync(g.Set, batch.Rows, ct).ConfigureAwait(false);
        }
        catch
        {
            batch.Dispose();
            throw;
        }

        Parts++;
        g.MarkFinished(batch.Rows.Select(r => r.ClipKey));
        g.Stats.Run.Tracked(batch.Rows.Count);
        if (ready is null)
        {
            // Nothing reads on: the part on disk is this stage's output.
            worker.Stats.Sent(batch.Bytes);
            batch.Dispose();
            return;
        }

        for (int i = 0; i < batch.Clips.Count; i++)
        {
            var clip = new ReadyClip(batch.Clips[i].Video.Source.Path, batch.Rows[i], batch.Clips[i].Pixels, 0, ReadyClip.ArrivalSlot);
            try
            {
                await ready.WriteAsync(clip, clip.Pixels.Bytes, worker, ct).ConfigureAwait(false);
            }
            catch
            {
                for (int j = i; j < batch.Clips.Count; j++) batch.Clips[j].Dispose();
                throw;
            }
        }
    }
}
