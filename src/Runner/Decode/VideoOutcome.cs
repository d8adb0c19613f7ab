using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Stages.Decode;

namespace MoSiC.Stream.Runner.Decode;

/// <summary>What decoding one video gave: its frames and clips, or the reason it failed.</summary>
public sealed record VideoOutcome(
    VideoSource Source,
    ProbeInfo? Probe,
    int Frames,
    long Bytes,
    int Width,
    int Height,
    TimeSpan LastTimestamp,
    int Clips,
    TimeSpan Elapsed,
    FailureRecord? Failure)
{
    /// <summary>True when the video decoded completely.</summary>
    public bool Succeeded => Failure is null;
}
