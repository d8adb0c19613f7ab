using System.Buffers;
using OpenCvSharp;

namespace MoSiC.Stream.Stages.Track.LucasKanade;

/// <summary>RGB24 frame → 8-bit gray <see cref="Mat"/>, the input LK works on. The pixels are pinned for the conversion only.</summary>
public static class GrayFrame
{
    /// <summary>A new gray Mat (the caller disposes it) from <paramref name="rgb"/>, width × height RGB24, row-major.</summary>
    public static unsafe Mat FromRgb(ReadOnlyMemory<byte> rgb, int width, int height)
    {
        using MemoryHandle pinned = rgb.Pin();
        using Mat colour = Mat.FromPixelData(height, width, MatType.CV_8UC3, (IntPtr)pinned.Pointer);
        var gray = new Mat();
        Cv2.CvtColor(colour, gray, ColorConversionCodes.RGB2GRAY);
        return gray;
    }
}
