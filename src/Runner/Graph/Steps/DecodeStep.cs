using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Runner.Graph.Messages;
using MoSiC.Stream.Stages.Decode;

namespace MoSiC.Stream.Runner.Graph.Steps;

/// <summary>
/// Decodes a whole video (ffmpeg, killable, with the decoder's stall timeout) up to the byte budget of one video. A
/// video that cannot be decoded becomes a failure record; a stop request kills the ffmpeg in flight, and that video is
/// simply not done (a rerun takes it).
/// </summary>
internal sealed class DecodeStep(GraphContext g, Pipe<DecodedWork> output, CancellationToken stopping)
{
    public async ValueTask RunAsync(VideoWork video, StageWorker worker, CancellationToken ct)
    {
        DecodedVideo decoded;
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping))
        {
            try
            {
                decoded = await DecodedVideo.LoadAsync(video.Source, g.Options.Decode, int.MaxValue, g.Options.Runtime.Threads.FfmpegThreads, either.Token,
                    maxBytes: g.Options.Runtime.Buffers.FrameMegabytes * (1L << 20)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return;
            }
            catch (VideoFailedException e)
            {
                Fail(e.Record);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Fail(new FailureRecord(video.Source.Path, "decode", e.Message));
                return;
            }
        }

        var work = new DecodedWork(video, decoded);
        try
        {
            await output.WriteAsync(work, work.Bytes, worker, ct).ConfigureAwait(false);
        }
        catch
        {
            decoded.Dispose();
            throw;
        }
    }

    private void Fail(FailureRecord record)
    {
        g.Stats.Run.VideoFailed();
        g.Failures.Failed(record);
    }
}
