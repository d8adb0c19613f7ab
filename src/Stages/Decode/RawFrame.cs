using System.Buffers;
using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Stages.Decode;

/// <summary>
/// A frame as one ffmpeg run put it out, before it is placed in the video: its pooled pixels and what showinfo printed
/// for it. Owned by the reader: turn it into a <see cref="VideoFrame"/> (which takes the buffer) or <see cref="Dispose"/> it.
/// </summary>
internal readonly record struct RawFrame(byte[] Buffer, int Width, int Height, ArrayPool<byte> Pool, long? Stamp, double? Seconds) : IDisposable
{
    /// <summary>The frame as decoded frame <paramref name="index"/> of the video, at <paramref name="timestamp"/>; the buffer moves to it.</summary>
    public VideoFrame ToFrame(int index, TimeSpan timestamp) => new(index, timestamp, Width, Height, Buffer, Pool);

    /// <summary>Gives the buffer back: a frame nobody asked for.</summary>
    public void Dispose() => Pool.Return(Buffer);
}
