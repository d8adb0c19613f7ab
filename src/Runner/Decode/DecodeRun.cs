using System.Diagnostics;
using System.Threading.Tasks.Dataflow;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Sample;

namespace MoSiC.Stream.Runner.Decode;

/// <summary>
/// The decode part of the graph: videos → probe + decode (bounded, <see cref="ThreadOptions.DecodeWorkers"/> at a
/// time) → clip plan → outcome. A bad video becomes a failed <see cref="VideoOutcome"/>; the others go on.
/// </summary>
public sealed class DecodeRun(PipelineOptions options, TimeProvider? time = null)
{
    private readonly VideoProber _prober = new(time);
    private readonly VideoDecoder _decoder = new(time: time);

    /// <summary>Decodes every video, calling <paramref name="onOutcome"/> as each finishes (in completion order).</summary>
    public async Task<IReadOnlyList<VideoOutcome>> RunAsync(IReadOnlyList<VideoSource> videos, Action<VideoOutcome> onOutcome, CancellationToken ct)
    {
        var workers = options.Runtime.Threads.DecodeWorkers;
        var outcomes = new List<VideoOutcome>(videos.Count);
        var decode = new TransformBlock<VideoSource, VideoOutcome>(v => DecodeOneAsync(v, ct), new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = workers,
            BoundedCapacity = workers * 2,
            EnsureOrdered = false,
            CancellationToken = ct,
        });
        var report = new ActionBlock<VideoOutcome>(o => { outcomes.Add(o); onOutcome(o); }, new ExecutionDataflowBlockOptions
        {
            BoundedCapacity = workers * 2,
            CancellationToken = ct,
        });
        decode.LinkTo(report, new DataflowLinkOptions { PropagateCompletion = true });
        foreach (var video in videos)
        {
            if (!await decode.SendAsync(video, ct).ConfigureAwait(false)) break;
        }
        decode.Complete();
        await report.Completion.ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>Probes and decodes one video, counting its frames; failures become data.</summary>
    public async Task<VideoOutcome> DecodeOneAsync(VideoSource video, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        ProbeInfo? probe = null;
        int frames = 0, width = 0, height = 0;
        long bytes = 0;
        var last = TimeSpan.Zero;
        try
        {
            var decode = options.Decode;
            probe = await _prober.ProbeAsync(video, TimeSpan.FromSeconds(decode.StallTimeoutSeconds), decode.MaxPixels, ct).ConfigureAwait(false);
            await foreach (var frame in _decoder.DecodeAsync(video, probe, decode, options.Runtime.Threads.FfmpegThreads, ct).ConfigureAwait(false))
            {
                using (frame)
                {
                    frames++;
                    bytes += frame.ByteCount;
                    (width, height, last) = (frame.Width, frame.Height, frame.Timestamp);
                }
            }
            var clips = ClipSampler.Plan(frames, options.Clips).Count;
            return new VideoOutcome(video, probe, frames, bytes, width, height, last, clips, clock.Elapsed, null);
        }
        catch (VideoFailedException ex)
        {
            return new VideoOutcome(video, probe, frames, bytes, width, height, last, 0, clock.Elapsed, ex.Record);
        }
    }
}
