using System.ComponentModel;

namespace MoSiC.Stream.Core.Options;

/// <summary>How a decoded video is cut into clips of <see cref="FramesPerClip"/> frames.</summary>
public sealed record ClipOptions
{
    [Description("Frames per clip (MoSiC: 12).")]
    public int FramesPerClip { get; init; } = 12;

    [Description("Distance between consecutive clip frames, in decoded frames (MoSiC: 6). Shrunk for videos too short to hold a clip; the last frame is repeated when even stride 1 does not fit.")]
    public int Stride { get; init; } = 6;

    [Description("Clips taken per video, spread evenly over its length (0 = as many as fit without overlapping).")]
    public int ClipsPerVideo { get; init; } = 1;

    internal void Validate(OptionErrors e, string path)
    {
        e.Require(FramesPerClip is >= 2 and <= 1024, OptionErrors.Join(path, "framesPerClip"), $"must be in 2..1024, got {FramesPerClip}");
        e.Require(Stride is >= 1 and <= 1000, OptionErrors.Join(path, "stride"), $"must be in 1..1000, got {Stride}");
        e.Require(ClipsPerVideo is >= 0 and <= 100_000, OptionErrors.Join(path, "clipsPerVideo"), $"must be in 0..100000 (0 = all that fit), got {ClipsPerVideo}");
    }
}
