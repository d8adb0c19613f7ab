using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Stages.Decode;

/// <summary>One stream of a container, as ffprobe reports it.</summary>
public sealed record StreamInfo(int Index, string Type, string Codec, int? Width, int? Height, string? PixelFormat,
    double? FrameRate, double? AverageFrameRate, int Rotation);

/// <summary>
/// What a video holds before decoding: container, streams, stored size, rotation, nominal frame rate. Header frame
/// counts are reported but never trusted: the decoder counts frames itself.
/// </summary>
public sealed record ProbeInfo(
    string Path,
    VideoSourceKind Kind,
    string Format,
    long Bytes,
    TimeSpan Duration,
    IReadOnlyList<StreamInfo> Streams,
    int Width,
    int Height,
    int Rotation,
    double? Fps,
    long? HeaderFrameCount)
{
    /// <summary>Width after the rotation metadata is applied (what the decoder outputs without resizing).</summary>
    public int DisplayWidth => Math.Abs(Rotation) % 180 == 90 ? Height : Width;

    /// <summary>Height after the rotation metadata is applied.</summary>
    public int DisplayHeight => Math.Abs(Rotation) % 180 == 90 ? Width : Height;
}
