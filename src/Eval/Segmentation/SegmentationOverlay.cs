using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>
/// Overlay pictures: the frame at mask size with the prediction (clusters coloured by the label they predict; unmatched
/// clusters count as background, as they are scored) on the left and the ground truth on the right, each blended half and half over the frame; background
/// (label 0) is left as the frame.
/// </summary>
public static class SegmentationOverlay
{
    // DAVIS palette order for the first ids (0 black = background).
    private static readonly Rgb24[] Palette =
    [
        new(0, 0, 0), new(128, 0, 0), new(0, 128, 0), new(128, 128, 0), new(0, 0, 128), new(128, 0, 128),
        new(0, 128, 128), new(128, 128, 128), new(64, 0, 0), new(192, 0, 0), new(64, 128, 0), new(192, 128, 0),
    ];

    // Void (255) ground truth, and any label below 0.
    private static readonly Rgb24 Unmatched = new(200, 200, 200);

    private static Rgb24 Colour(int label) => label < 0 ? Unmatched : label < Palette.Length ? Palette[label]
        : new Rgb24((byte)(label * 67 % 256), (byte)(label * 131 % 256), (byte)(label * 29 % 256));

    /// <summary>Writes <paramref name="outputPng"/> for one frame; <paramref name="frame"/> must be at the mask's size
    /// (<see cref="VideoSegmentationClip.LoadPicturesAsync"/>).</summary>
    public static void Write(Image<Rgb24> frame, LabelMap truth, int[] clusterMap, int[] clusterToLabel, string outputPng)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(clusterMap);
        ArgumentNullException.ThrowIfNull(clusterToLabel);
        int w = truth.Width, h = truth.Height;
        if (frame.Width != w || frame.Height != h) throw new ArgumentException($"frame is {frame.Width}×{frame.Height}, the mask {w}×{h}.", nameof(frame));
        using var output = new Image<Rgb24>(2 * w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                Rgb24 p = frame[x, y];
                int i = y * w + x;
                int predicted = clusterToLabel[clusterMap[i]];
                output[x, y] = predicted == 0 ? p : Blend(p, Colour(predicted));
                int g = truth.Labels[i];
                output[w + x, y] = g == 0 ? p : g == SegmentationConfusion.IgnoreLabel ? Unmatched : Blend(p, Colour(g));
            }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPng))!);
        output.SaveAsPng(outputPng);
    }

    private static Rgb24 Blend(Rgb24 a, Rgb24 b) => new((byte)((a.R + b.R) / 2), (byte)((a.G + b.G) / 2), (byte)((a.B + b.B) / 2));
}
