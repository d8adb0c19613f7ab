namespace MoSiC.Stream.Graph.Messages;

/// <summary>
/// A piece of a video on its way from decode to sample: one of its clips, cut (with its pixels), or, after its last
/// clip, its tally (or neither, when it failed after some of its clips went on). A whole video never travels: only the
/// frames of clips in flight are held.
/// </summary>
internal sealed record DecodedWork(VideoWork Video, ClipWork? Clip, VideoTally? Tally) : IDisposable
{
    public long Bytes => Clip?.Pixels.Bytes ?? 0;

    public void Dispose() => Clip?.Dispose();
}

/// <summary>What decode made of one video.</summary>
/// <param name="Frames">Decoded frames the clip plan was cut from.</param>
/// <param name="Clips">Clips in the plan.</param>
/// <param name="ToTrack">Clips sent to the tracker.</param>
/// <param name="Cached">Clips found in the cache.</param>
/// <param name="Note">Anything the log should say about it (re-planned, left to another run), or null.</param>
/// <param name="Trained">Clips (their plan indices) the trainer took before a resume: not decoded, their places kept.</param>
internal sealed record VideoTally(int Frames, int Clips, int ToTrack, int Cached, string? Note, IReadOnlyList<int> Trained);
