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
        ClipPixels clip = Rent(width, height, frames.Count);
        try
        {
            for (int i = 0; i < frames.Count; i++) clip.Fill(i, frames[i]);
            return clip;
        }
        catch
        {
            clip.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Empty frames for a clip of <paramref name="count"/> frames of <paramref name="width"/> × <paramref name="height"/>,
    /// to be filled with <see cref="Fill"/> as the decoder reaches them.
    /// </summary>
    public static ClipPixels Rent(int width, int height, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var frames = new byte[count][];
        for (int i = 0; i < count; i++) frames[i] = ArrayPool<byte>.Shared.Rent(width * height * 3);
        return new ClipPixels(width, height, frames);
    }

    /// <summary>Copies <paramref name="rgb"/> (one frame, <see cref="FrameBytes"/> long) into clip frame <paramref name="i"/>.</summary>
    public void Fill(int i, ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length != FrameBytes) throw new ArgumentException($"a frame of {Width}×{Height} is {FrameBytes} bytes, got {rgb.Length}", nameof(rgb));
        rgb.CopyTo(Frames[i]);
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
