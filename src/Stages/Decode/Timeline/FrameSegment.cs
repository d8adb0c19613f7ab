namespace MoSiC.Stream.Stages.Decode.Timeline;

/// <summary>
/// One ffmpeg run of a <see cref="FrameReader"/>: the frames <see cref="First"/> … <see cref="Last"/> of the video,
/// decoded from its start or from <see cref="Seek"/>. With <see cref="ExpectedCount"/> the run goes on to the end
/// and checks the video holds exactly that many frames.
/// </summary>
/// <param name="First">First frame index the run must reach (where a seek lands).</param>
/// <param name="Last">Last frame index wanted.</param>
/// <param name="Seek">Where to seek for <see cref="First"/>; null to decode from the start.</param>
/// <param name="ExpectedCount">The count to check at the end, or null to stop after <see cref="Last"/>.</param>
public sealed record FrameSegment(int First, int Last, FrameSeek? Seek, int? ExpectedCount);
