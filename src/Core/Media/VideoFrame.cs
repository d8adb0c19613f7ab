using System.Buffers;

namespace MoSiC.Stream.Core.Media;

/// <summary>
/// One decoded RGB24 frame (row-major, 3 bytes per pixel, no padding) in a buffer rented from a pool.
/// The frame owns the buffer: dispose it once, after which <see cref="Rgb"/> must not be used.
/// </summary>
public sealed class VideoFrame : IDisposable
{
    private readonly ArrayPool<byte> _pool;
    private byte[]? _buffer;

    /// <summary>Wraps <paramref name="buffer"/> (rented from <paramref name="pool"/>), of which the frame uses the first Width·Height·3 bytes.</summary>
    public VideoFrame(int index, TimeSpan timestamp, int width, int height, byte[] buffer, ArrayPool<byte> pool)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, width * height * 3);
        (Index, Timestamp, Width, Height, _buffer, _pool) = (index, timestamp, width, height, buffer, pool);
    }

    /// <summary>Position of the frame in the decoded stream, from 0.</summary>
    public int Index { get; }

    /// <summary>Presentation time relative to the first decoded frame.</summary>
    public TimeSpan Timestamp { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes of pixel data: Width·Height·3.</summary>
    public int ByteCount => Width * Height * 3;

    /// <summary>The pixels, RGB24, row-major.</summary>
    public Memory<byte> Rgb => (_buffer ?? throw new ObjectDisposedException(nameof(VideoFrame))).AsMemory(0, ByteCount);

    /// <summary>Returns the buffer to its pool.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) _pool.Return(buffer);
    }
}
