using MoSiC.Stream.Stages.Decode;

namespace MoSiC.Stream.Graph.Messages;

/// <summary>A video decoded whole (the clip plan needs its length), on its way to be cut into clips.</summary>
internal sealed record DecodedWork(VideoWork Video, DecodedVideo Frames)
{
    public long Bytes => Frames.Frames.Count == 0 ? 0 : (long)Frames.Frames.Count * Frames.Frames[0].ByteCount;
}
