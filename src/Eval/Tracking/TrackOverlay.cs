using MoSiC.Stream.Stages.Encode;
using MoSiC.Stream.Stages.Track;
using OpenCvSharp;

namespace MoSiC.Stream.Eval.Tracking;

/// <summary>
/// Draws one clip's tracks over its frames and encodes the result with ffmpeg (H.264 mp4), so a person can see at
/// a glance whether tracking works: each point has its own colour, a filled dot while visible and a hollow ring
/// while the tracker calls it hidden, with a short tail of where it was. Ground truth, when given, is drawn as
/// small white crosses on its annotated, visible cells.
/// </summary>
public static class TrackOverlay
{
    private const int Tail = 8;

    /// <summary>
    /// Draws clip 0 of <paramref name="tracks"/> over <paramref name="frames"/> (RGB24, width × height), with the optional
    /// ground truth of the same points, and writes <paramref name="outputPath"/> atomically (a partial file never has the final name).
    /// </summary>
    public static async Task WriteAsync(string outputPath, IReadOnlyList<ReadOnlyMemory<byte>> frames, int width, int height, double fps,
        TrackResult tracks, TrackingGroundTruth? truth, CancellationToken ct)
    {
        if (frames.Count < tracks.Frames)
            throw new ArgumentException($"tracks cover {tracks.Frames} frames, only {frames.Count} given", nameof(frames));
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (dir is not null) Directory.CreateDirectory(dir);

        // libx264's yuv420p needs even sides: odd frames get one black column or row.
        int outWidth = width + width % 2, outHeight = height + height % 2;
        int radius = Math.Max(2, Math.Min(width, height) / 120);
        Scalar[] colours = Enumerable.Range(0, tracks.Points).Select(Colour).ToArray();
        var buffer = new byte[outWidth * outHeight * 3];

        await using FfmpegVideoWriter writer = FfmpegVideoWriter.Start(outputPath, outWidth, outHeight, Math.Max(1, (int)Math.Round(fps)), crf: 20, ct);
        for (int t = 0; t < tracks.Frames; t++)
        {
            ct.ThrowIfCancellationRequested();
            Draw(frames[t], width, height, buffer, outWidth, outHeight, t, tracks, truth, colours, radius);
            await writer.WriteFrameAsync(buffer, ct).ConfigureAwait(false);
        }

        await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static unsafe void Draw(ReadOnlyMemory<byte> rgb, int width, int height, byte[] buffer, int outWidth, int outHeight,
        int t, TrackResult tracks, TrackingGroundTruth? truth, Scalar[] colours, int radius)
    {
        fixed (byte* target = buffer)
            using (System.Buffers.MemoryHandle source = rgb.Pin())
            {
                using Mat canvas = Mat.FromPixelData(outHeight, outWidth, MatType.CV_8UC3, (IntPtr)target);
                canvas.SetTo(Scalar.Black);
                using (Mat frame = Mat.FromPixelData(height, width, MatType.CV_8UC3, (IntPtr)source.Pointer))
                using (Mat region = canvas[new Rect(0, 0, width, height)])
                {
                    frame.CopyTo(region);
                }

                for (int p = 0; p < tracks.Points; p++)
                {
                    for (int s = Math.Max(1, t - Tail + 1); s <= t; s++)
                    {
                        if (tracks.IsVisible(0, s, p) && tracks.IsVisible(0, s - 1, p))
                            canvas.Line(At(tracks, s - 1, p), At(tracks, s, p), colours[p], 1, LineTypes.AntiAlias);
                    }

                    bool visible = tracks.IsVisible(0, t, p);
                    canvas.Circle(At(tracks, t, p), radius, colours[p], visible ? -1 : 1, LineTypes.AntiAlias);
                }

                if (truth is null) return;
                for (int p = 0; p < truth.Count; p++)
                {
                    int cell = p * truth.Frames + t;
                    if (t >= truth.Frames || !truth.Annotated[cell] || truth.Occluded[cell]) continue;
                    var at = new Point((int)Math.Round(truth.Points[2 * cell]), (int)Math.Round(truth.Points[2 * cell + 1]));
                    canvas.DrawMarker(at, Scalar.White, MarkerTypes.Cross, 3 * radius, 1);
                }
            }
    }

    private static Point At(TrackResult tracks, int t, int p) =>
        new((int)Math.Round(tracks.X(0, t, p)), (int)Math.Round(tracks.Y(0, t, p)));

    /// <summary>Well-separated hues: the golden-ratio sequence around the colour wheel, full saturation.</summary>
    private static Scalar Colour(int index)
    {
        double hue = index * 0.618033988749895 % 1.0 * 6;
        int sector = (int)hue;
        double f = hue - sector, q = 1 - f;
        (double r, double g, double b) = sector switch
        {
            0 => (1.0, f, 0.0),
            1 => (q, 1.0, 0.0),
            2 => (0.0, 1.0, f),
            3 => (0.0, q, 1.0),
            4 => (f, 0.0, 1.0),
            _ => (1.0, 0.0, q),
        };
        return new Scalar(255 * r, 255 * g, 255 * b);
    }
}
