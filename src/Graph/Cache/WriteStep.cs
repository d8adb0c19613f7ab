using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Cache;

/// <summary>
/// Writes each tracked batch to the cache as one atomic part, marks its clips finished, and passes them on to the
/// trainer with their new tracks (or releases them when nothing trains on the stream). Clips that fail here or in the
/// tracker go on as lost, so the trainer's plan order does not wait for them.
/// </summary>
internal sealed class WriteStep(GraphContext g, Pipe<StreamEntry>? ready)
{
    public int Parts { get; private set; }

    public async ValueTask RunAsync(TrackedBatch batch, StageWorker worker, CancellationToken ct)
    {
        if (batch.IsRejected)
        {
            batch.Dispose();
            await LostAsync(batch, worker, ct).ConfigureAwait(false);
            return;
        }

        try
        {
            // Each video's content sample goes with its tracks: later runs confirm hash-index hints against it.
            var samples = batch.Clips.Select(c => c.Video).Where(v => v.Sample is not null).DistinctBy(v => v.Hash).ToDictionary(v => v.Hash, v => v.Sample!, StringComparer.Ordinal);
            // A video's plan record rides with the part holding its last tracked clip: both appear in one manifest entry.
            CachedVideo[] records = [.. batch.Clips.Where(c => c.Record is not null).Select(c => c.Record!)];
            await g.Storage.ExecuteAsync(async token => await g.Cache.WriteAsync(g.Set, batch.Rows, records, samples, token).ConfigureAwait(false), ct).ConfigureAwait(false);
            foreach (CachedVideo record in records) g.Recorded(record);
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            batch.Dispose();
            // Nothing more can be written: stop, keeping every part already named by the manifest.
            throw new IOException($"the cache folder {g.Cache.Dir} is full (no space left on device) while writing {batch.Rows.Count} clips; " +
                "the clips written before are intact and a rerun after freeing space continues from them", e);
        }
        catch (IOException e)
        {
            // Still failing after the retries: these clips' videos fail, the run goes on (the breaker stops it if every write fails).
            foreach (var video in batch.Clips.Select(c => c.Video).Distinct())
                g.VideoFailed(new Core.Media.FailureRecord(video.Source.Path, "write", $"cache write failed after {g.Options.Runtime.StorageRetries} retries: {e.Message}"));

            batch.Dispose();
            await LostAsync(batch, worker, ct).ConfigureAwait(false);
            return;
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
            var clip = StreamEntry.Of(batch.Clips[i], new ReadyClip(batch.Clips[i].Video.Source.Path, batch.Rows[i], batch.Clips[i].Pixels, 0, ReadyClip.ArrivalSlot));
            try
            {
                await ready.WriteAsync(clip, clip.Bytes, worker, ct).ConfigureAwait(false);
            }
            catch
            {
                for (int j = i; j < batch.Clips.Count; j++) batch.Clips[j].Dispose();
                throw;
            }
        }
    }

    private async ValueTask LostAsync(TrackedBatch batch, StageWorker worker, CancellationToken ct)
    {
        if (ready is null) return;
        foreach (ClipWork clip in batch.Clips) await ready.WriteAsync(StreamEntry.LostOf(clip), 0, worker, ct).ConfigureAwait(false);
    }
}
