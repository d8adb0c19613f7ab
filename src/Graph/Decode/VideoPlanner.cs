using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Decode.Timeline;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Decode;

/// <summary>
/// Plans a video's clips before any frame is decoded: from its cached plan record when every clip that record names
/// is finished (no ffmpeg at all), else from the probe: ffprobe for the streams, and, where the plan depends on the
/// exact frame count or clips need seeking, a listing of the packets. Then says what each clip needs in this run.
/// </summary>
internal sealed class VideoPlanner(GraphContext g)
{
    private readonly VideoProber _prober = new();

    /// <summary>The cut of <paramref name="video"/> (probing it unless its record holds the plan).</summary>
    public async Task<VideoCut> PlanAsync(VideoWork video, CancellationToken ct)
    {
        if (g.IntactRecord(video.Hash) is { } record && FromRecord(video, record) is { } cut) return cut;
        ProbeInfo probe = await ProbeAsync(video.Source, ct).ConfigureAwait(false);
        FrameTimeline timeline = await TimelineAsync(video.Source, probe, ct).ConfigureAwait(false);
        if (timeline.Count == 0) throw new VideoFailedException(video.Source.Path, "decode", "no frames could be decoded (the container says it holds none)");
        return Cut(video, timeline.Count) with { Probe = probe, Timeline = timeline, Checked = !CountMatters(g.Options.Clips, timeline.Count) };
    }

    /// <summary>
    /// The cut of <paramref name="previous"/>'s video planned again from <paramref name="frames"/>, the count decoding
    /// found (<paramref name="counted"/>) or the same count after a seek that missed: either way without seeking,
    /// since the packets no longer tell where frames are.
    /// </summary>
    public VideoCut Replan(VideoCut previous, int frames, bool counted) =>
        Cut(previous.Video, frames) with { Probe = previous.Probe, Checked = counted || !CountMatters(g.Options.Clips, frames) };

    /// <summary>ffprobe's view of the video, which the decoder's arguments need.</summary>
    public Task<ProbeInfo> ProbeAsync(VideoSource source, CancellationToken ct) =>
        _prober.ProbeAsync(source, TimeSpan.FromSeconds(g.Options.Decode.StallTimeoutSeconds), g.Options.Decode.MaxPixels, ct);

    /// <summary>
    /// Whether a plan cut from a count near <paramref name="frames"/> changes with the exact count: several clips spread
    /// over the video (the last one ends on the last frame), or a video too short for one clip at the full stride.
    /// One clip of a long video starts at frame 0 whatever the length.
    /// </summary>
    public static bool CountMatters(ClipOptions clips, int frames) => clips.ClipsPerVideo != 1 || frames < 2 * Span(clips);

    private static int Span(ClipOptions clips) => (clips.FramesPerClip - 1) * clips.Stride + 1;

    private async Task<FrameTimeline> TimelineAsync(VideoSource source, ProbeInfo probe, CancellationToken ct)
    {
        if (source.Kind == VideoSourceKind.FrameFolder) return FrameTimeline.ForFolder(source, g.Options.Decode);
        FrameTimeline estimate = FrameTimeline.Estimate(probe, g.Options.Decode);
        return CountMatters(g.Options.Clips, estimate.Count) ? await PacketProbe.ProbeAsync(source, probe, g.Options.Decode, ct).ConfigureAwait(false) : estimate;
    }

    private VideoCut? FromRecord(VideoWork video, CachedVideo record)
    {
        VideoCut cut = Cut(video, record.Frames);
        // A record of another plan (it cannot happen for one track set, but a record is only trusted when it agrees).
        if (!cut.Keys.SequenceEqual(record.Clips.Select(c => c.Key))) return null;
        return cut with { Record = record, Checked = true };
    }

    private VideoCut Cut(VideoWork video, int frames)
    {
        IReadOnlyList<ClipPlan> plans = ClipSampler.Plan(frames, g.Options.Clips);
        string[] keys = [.. plans.Select((p, i) => g.Set.ClipKey(video.Hash, i, p.FrameIndices))];
        // Tracking a video takes its claim first: a concurrent run on the same cache never tracks the same clips.
        bool tracks = g.Mode != RunMode.Train;
        bool claimed = tracks && (keys.All(g.IsFinished) || g.TryClaim(video.Hash));
        ClipNeed[] needs = [.. keys.Select(key => g.IsFinished(key)
            ? !g.StreamToTrainer ? ClipNeed.Found : g.Seen.Contains(key) ? ClipNeed.Trained : ClipNeed.Train
            : !tracks ? ClipNeed.Uncached : claimed ? ClipNeed.Track : ClipNeed.Elsewhere)];
        return new VideoCut(video, frames, plans, keys, needs);
    }
}
