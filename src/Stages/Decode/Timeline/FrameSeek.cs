namespace MoSiC.Stream.Stages.Decode.Timeline;

/// <summary>
/// How to start a decode at one frame of a video: the time to seek to (at or before the input frame it shows), and
/// the stamp ffmpeg's showinfo prints for that output frame, by which the reader knows it has arrived.
/// </summary>
/// <param name="Seconds">Seek point, seconds from the start of the file (as a run from the start sees it).</param>
/// <param name="Stamp">The frame's presentation stamp after the decode filters (input time base, or 1/fps with <c>decode.fps</c>).</param>
public readonly record struct FrameSeek(double Seconds, long Stamp);
