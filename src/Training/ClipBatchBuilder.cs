using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Model.Augment;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Storage.Cache;
using F = TorchSharp.torch.nn.functional;
using static TorchSharp.torch;

namespace MoSiC.Stream.Training;

/// <summary>
/// Turns clips with their tracks into a <see cref="TrainBatch"/>: frames (at the decode size the tracks were computed
/// on) resized to the training size, one shared flip and crop per clip for frames and tracks, up to G² points nearest
/// a G × G grid, normalised.
/// </summary>
internal sealed class ClipBatchBuilder(ClipAugmentOptions augment)
{
    private int Size => augment.OutputSize;

    public TrainBatch Build(IReadOnlyList<(ReadyClip Clip, Random Random)> clips)
    {
        var frames = new List<Tensor>();
        var tracks = new List<AugmentedTracks>();
        try
        {
            foreach (var (clip, random) in clips)
            {
                ClipAugmentParams p = ClipAugmentParams.Sample(Size, Size, augment, random);
                using (Tensor raw = Pixels(clip))
                using (Tensor resized = Resize(raw))
                    frames.Add(ClipAugmentation.ApplyToFrames(resized, p));
                tracks.Add(Tracks(clip.Tracks, p));
            }

            using var scope = NewDisposeScope();
            // Clips keep different numbers of points after the crop; the batch keeps each clip's first N (grid order).
            long n = tracks.Min(t => t.Tracks.shape[1]);
            if (n == 0) throw new InvalidOperationException("a clip kept no tracked point inside its crop");
            Tensor mean = tensor(TrainBatch.Mean).reshape(1, 1, 3, 1, 1), std = tensor(TrainBatch.Std).reshape(1, 1, 3, 1, 1);
            Tensor x = stack(frames, 0).sub(mean).div(std);
            Tensor xy = stack(tracks.Select(t => t.Tracks.narrow(1, 0, n)), 0);
            Tensor vis = stack(tracks.Select(t => t.Visibility.narrow(1, 0, n)), 0);
            return new TrainBatch(x.MoveToOuterDisposeScope(), xy.MoveToOuterDisposeScope(), vis.MoveToOuterDisposeScope());
        }
        finally
        {
            frames.ForEach(f => f.Dispose());
            tracks.ForEach(t => t.Dispose());
        }
    }

    // The clip's frames as (T, 3, H, W) float in [0, 1].
    private static Tensor Pixels(ReadyClip clip)
    {
        ClipPixels p = clip.Pixels;
        if (p.Width != clip.Tracks.Width || p.Height != clip.Tracks.Height || p.Frames.Count != clip.Tracks.Frames)
            throw new InvalidDataException($"{clip.VideoPath}: {p.Frames.Count} frames of {p.Width}×{p.Height} for cached clip {clip.Tracks.ClipKey} of {clip.Tracks.Frames} frames of {clip.Tracks.Width}×{clip.Tracks.Height}");
        var bytes = new byte[p.Bytes];
        for (int i = 0; i < p.Frames.Count; i++) p.Frame(i).Span.CopyTo(bytes.AsSpan(i * p.FrameBytes));
        using var scope = NewDisposeScope();
        return tensor(bytes, new long[] { p.Frames.Count, p.Height, p.Width, 3 }).permute(0, 3, 1, 2).to(ScalarType.Float32).div(255f).MoveToOuterDisposeScope();
    }

    private Tensor Resize(Tensor frames) =>
        frames.shape[2] == Size && frames.shape[3] == Size
            ? frames.alias()
            : F.interpolate(frames, size: new long[] { Size, Size }, mode: InterpolationMode.Bilinear, align_corners: false);

    // Cached (x, y) pixels of the decode size, scaled to the training size with the pixel-centre convention, then flipped and cropped.
    private AugmentedTracks Tracks(CachedClip c, ClipAugmentParams p)
    {
        var xy = new float[c.Frames * c.Points * 2];
        float sx = (float)Size / c.Width, sy = (float)Size / c.Height;
        for (int i = 0; i < c.Frames * c.Points; i++)
        {
            xy[2 * i] = (c.X[i] + 0.5f) * sx - 0.5f;
            xy[2 * i + 1] = (c.Y[i] + 0.5f) * sy - 0.5f;
        }
        using var tracks = tensor(xy, new long[] { c.Frames, c.Points, 2 });
        using var visible = tensor(c.Visible, new long[] { c.Frames, c.Points });
        return ClipAugmentation.ApplyToTracks(tracks, visible, p, augment);
    }
}
