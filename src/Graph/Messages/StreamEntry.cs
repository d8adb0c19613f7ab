namespace MoSiC.Stream.Graph.Messages;

/// <summary>What a <see cref="StreamEntry"/> says about its place in the streamed epoch.</summary>
internal enum StreamEntryKind
{
    /// <summary>A clip with its tracks, for the trainer.</summary>
    Clip,

    /// <summary>A clip the trainer took before a resume: it keeps its place in the order, undecoded.</summary>
    Trained,

    /// <summary>A clip lost on the way (its video failed in tracking or writing): it has no place.</summary>
    Lost,

    /// <summary>The end of a video's entries: <see cref="StreamEntry.Count"/> of them were sent on.</summary>
    VideoEnd,
}

/// <summary>
/// One entry of the streamed epoch on its way to the shuffle, placed by (<see cref="Video"/>, <see cref="Clip"/>): the
/// video's position in the run's plan and the clip's in the video's. Entries come from two paths (cache hits straight
/// from sample, tracked clips from write) in whatever order timing gives; the plan order puts them back in order.
/// </summary>
internal sealed record StreamEntry(int Video, int Clip, StreamEntryKind Kind, ReadyClip? Ready = null, int Count = 0) : IDisposable
{
    public long Bytes => Ready?.Pixels.Bytes ?? 0;

    public static StreamEntry Of(ClipWork clip, ReadyClip ready) => new(clip.Video.Order, clip.Index, StreamEntryKind.Clip, ready);

    public static StreamEntry LostOf(ClipWork clip) => new(clip.Video.Order, clip.Index, StreamEntryKind.Lost);

    public void Dispose() => Ready?.Dispose();
}
