using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Decode.Timeline;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Decode;

/// <summary>
/// One video's clip plan in this run's track set, and what each clip needs. The plan comes from the video's cached
/// plan record when one is intact, else from the probe (<see cref="Timeline"/>); <see cref="Checked"/> says whether
/// its frame count still has to be confirmed by decoding to the end.
/// </summary>
internal sealed record VideoCut(VideoWork Video, int Frames, IReadOnlyList<ClipPlan> Plans, IReadOnlyList<string> Keys, IReadOnlyList<ClipNeed> Needs)
{
    /// <summary>What the probe said (null on the record's path until decoding needs it).</summary>
    public ProbeInfo? Probe { get; init; }

    /// <summary>The probe's frame timeline (null on the record's path).</summary>
    public FrameTimeline? Timeline { get; init; }

    /// <summary>The cached plan record the plan came from, if any.</summary>
    public CachedVideo? Record { get; init; }

    /// <summary>True when <see cref="Frames"/> needs no check: it came from a record, or the plan is the same for any count the decode can confirm.</summary>
    public bool Checked { get; init; }

    /// <summary>Whether any clip must be decoded.</summary>
    public bool NeedsPixels => Needs.Any(n => n is ClipNeed.Train or ClipNeed.Track);

    /// <summary>Where to seek for clip <paramref name="clip"/>'s first frame, or null when the video cannot be sought.</summary>
    public FrameSeek? SeekFor(int clip)
    {
        if (Record is { } record)
            return record.Clips[clip] is { SeekSeconds: { } seconds, FirstStamp: { } stamp } ? new FrameSeek(seconds, stamp) : null;
        return Timeline is { Seekable: true } timeline ? timeline.SeekFor(Plans[clip].FrameIndices[0]) : null;
    }

    /// <summary>The plan record to keep in the cache for this cut.</summary>
    public CachedVideo Describe() => Record ?? new CachedVideo
    {
        VideoHash = Video.Hash,
        Frames = Frames,
        Clips = [.. Keys.Select((key, i) => SeekFor(i) is { } seek ? new CachedVideoClip(key, seek.Seconds, seek.Stamp) : new CachedVideoClip(key, null, null))],
    };
}
