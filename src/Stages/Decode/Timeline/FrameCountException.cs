namespace MoSiC.Stream.Stages.Decode.Timeline;

/// <summary>
/// Decoding disagreed with the timeline it was planned from: the video ended early or went on past its count, or a
/// seek did not land on the frame it was meant to. <see cref="Actual"/> is the decoder's count when it is known (the
/// run reached the end from a place it could count from), so the clips can be planned again from it.
/// </summary>
public sealed class FrameCountException(string message, int? actual) : Exception(message)
{
    /// <summary>The frames the decoder put out, when known.</summary>
    public int? Actual { get; } = actual;
}
