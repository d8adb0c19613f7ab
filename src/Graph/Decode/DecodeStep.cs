using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Decode;
using Polly;
using Polly.Timeout;

namespace MoSiC.Stream.Graph.Decode;

/// <summary>
/// Decodes a whole video (ffmpeg, killable, with the decoder's stall timeout) up to the byte budget of one video. A
/// video that cannot be decoded becomes a failure record; a stop request kills the ffmpeg in flight, and that video is
/// simply not done (a rerun takes it).
/// </summary>
internal sealed class DecodeStep(GraphContext g, Pipe<DecodedWork> output, CancellationToken stopping)
{
    // A whole-video time limit (Polly), on top of the decoder's own stall timeout: a video that trickles frames
    // forever is killed too.
    private readonly ResiliencePipeline _limit = g.Options.Decode.TimeoutSeconds > 0
        ? new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromSeconds(g.Options.Decode.TimeoutSeconds)).Build()
        : ResiliencePipeline.Empty;

    public async ValueTask RunAsync(VideoWork video, StageWorker worker, CancellationToken ct)
    {
        DecodedVideo decoded;
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping))
        {
            try
            {
                decoded = await _limit.ExecuteAsync(async token => await DecodedVideo.LoadAsync(video.Source, g.Options.Decode, int.MaxValue,
                    g.Options.Runtime.Threads.FfmpegThreads, token, maxBytes: g.Options.Runtime.Buffers.FrameMegabytes * (1L << 20)).ConfigureAwait(false), either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return;
            }
            catch (TimeoutRejectedException)
            {
                g.VideoFailed(new FailureRecord(video.Source.Path, "decode", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"did not finish within decode.timeoutSeconds = {g.Options.Decode.TimeoutSeconds} s; ffmpeg was killed")));
                return;
            }
            catch (VideoFailedException e)
            {
                g.VideoFailed(e.Record);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                g.VideoFailed(new FailureRecord(video.Source.Path, "decode", e.Message));
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
}
