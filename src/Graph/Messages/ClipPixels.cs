using System.Buffers;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Sample;

namespace MoSiC.Stream.Graph.Messages;

/// <summary>
/// The RGB24 frames of one clip, copied out of its decoded video into pooled buffers, so the video's memory is given
/// back as soon as it is cut into clips and each clip's bytes are accounted for on their own.
/// </summary>
public sealed class ClipPixels : IDisposable
{
    private byte[][]? _frames;

    private ClipPixels(int width, int height, byte[][] frames) => (Width, Height, _frames) = (width, height, frames);

    public int Width { get; }

    public int Height { get; }

    public int FrameBytes => Width * Height * 3;

    public long Bytes => (long)FrameBytes * Frames.Count;

    public IReadOnlyList<byte[]> Frames => _frames ?? throw new ObjectDisposedException(nameof(ClipPixels));

    /// <summary>The frames of <paramref name="plan"/>, copied from <paramref name="video"/>.</summary>
    public static ClipPixels Copy(DecodedVideo video, ClipPlan plan)
    {
        int bytes = video.Width * video.Height * 3;
        var frames = new byte[plan.FrameIndices.Count][];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = ArrayPool<byte>.Shared.Rent(bytes);
            video.Frames[plan.FrameIndices[i]].Rgb.Span.CopyTo(frames[i]);
        }

        return new ClipPixels(video.Width, video.Height, frames);
    }

    /// <summary>Frames already in memory (width·height·3 bytes each), copied into pooled buffers.</summary>
    internal static ClipPixels Of(int width, int height, IReadOnlyList<byte[]> frames)
    {
        int bytes = width * height * 3;
        var copies = new byte[frames.Count][];
        for (int i = 0; i < copies.Length; i++)
        {
            if (frames[i].Length != bytes) throw new ArgumentException($"frame {i} has {frames[i].Length} bytes, a {width}×{height} RGB24 frame has {bytes}", nameof(frames));
            copies[i] = ArrayPool<byte>.Shared.Rent(bytes);
            frames[i].CopyTo(copies[i], 0);
        }

        return new ClipPixels(width, height, copies);
    }

    /// <summary>Frame <paramref name="i"/>, exactly <see cref="FrameBytes"/> long.</summary>
    public ReadOnlyMemory<byte> Frame(int i) => Frames[i].AsMemory(0, FrameBytes);

    public void Dispose()
    {
        byte[][]? frames = Interlocked.Exchange(ref _frames, null);
        if (frames is null) return;
        foreach (byte[] frame in frames) ArrayPool<byte>.Shared.Return(frame);
    }
}
