using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Model.Augment;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Storage.Cache;
using F = TorchSharp.torch.nn.functional;
using static TorchSharp.torch;

namespace MoSiC.Stream.Training;

/// <summary>One clip of a batch with the two generators its place in the data order gives it.</summary>
/// <param name="Clip">Pixels and cached tracks.</param>
/// <param name="Augment">Flip and crop (and a re-crop when a crop keeps no point; the second view of an image pair).</param>
/// <param name="Control">The track ablation's own draws, so it never shifts the augmentation.</param>
internal sealed record ClipDraw(ReadyClip Clip, Random Augment, Random Control);

/// <summary>A built batch and the clips left out of it (each with its reason); <see cref="Batch"/> is null when every
/// clip was left out. <see cref="Digest"/> fingerprints what the batch is made of apart from tracks after frame 0: each
/// clip's video and place, its crops and flips, and its frame-0 points. Two runs whose batches have the same digests saw
/// the same pixels, crops and frame-0 points in the same order (the train log records it per step).</summary>
internal sealed record BuiltBatch(TrainBatch? Batch, IReadOnlyList<string> Dropped, string Digest = "");

/// <summary>
/// Turns clips with their tracks into a <see cref="TrainBatch"/>: frames (at the decode size the tracks were computed
/// on) resized to the training size, one shared flip and crop per clip for frames and tracks, the points the crop keeps
/// (<see cref="ClipAugmentation.SelectEvenly"/>), the track ablation, normalised. Clips keep different numbers of
/// points: the batch is padded to the largest with invisible slots marked invalid, so every kept point reaches the loss.
/// </summary>
/// <param name="augment">Crop, flip and point selection.</param>
/// <param name="control">Track ablation (<c>trainer.trackControl</c>).</param>
/// <param name="imagePairs">Each sample is two independent views of the clip's first frame (<c>trainer.clipSource</c>
/// image-pairs): T = 2, tracks = the frame-0 query points mapped through each view.</param>
internal sealed class ClipBatchBuilder(ClipAugmentOptions augment, TrackControlKind control = TrackControlKind.None, bool imagePairs = false)
{
    /// <summary>Crops drawn for a clip before it is left out for keeping no point (the first, then re-crops).</summary>
    public const int CropTries = 11;

    private int Size => augment.OutputSize;

    public BuiltBatch Build(IReadOnlyList<ClipDraw> clips)
    {
        var frames = new List<Tensor>();
        var tracks = new List<AugmentedTracks>();
        var dropped = new List<string>();
        var digest = new StringBuilder();
        try
        {
            foreach (ClipDraw draw in clips)
            {
                if (Sample(draw) is not var (f, t, views))
                {
                    dropped.Add($"{draw.Clip.VideoPath} clip {draw.Clip.Tracks.ClipIndex}: no tracked point inside {CropTries} crops");
                    continue;
                }
                frames.Add(f);
                tracks.Add(t);
                digest.Append(CultureInfo.InvariantCulture, $"{draw.Clip.Tracks.VideoHash}/{draw.Clip.Tracks.ClipIndex}/{string.Join(';', views)}/");
                foreach (float v in t.Tracks.select(0, 0).data<float>()) digest.Append(CultureInfo.InvariantCulture, $"{v:F3},");
                digest.Append('|');
            }
            if (frames.Count == 0) return new BuiltBatch(null, dropped);

            using var scope = NewDisposeScope();
            long n = tracks.Max(t => t.Tracks.shape[1]);
            Tensor mean = tensor(TrainBatch.Mean).reshape(1, 1, 3, 1, 1), std = tensor(TrainBatch.Std).reshape(1, 1, 3, 1, 1);
            Tensor x = stack(frames, 0).sub(mean).div(std);
            // Padding slots: at (0, 0), invisible on every frame, and invalid, so neither Sinkhorn nor the loss sees them.
            Tensor xy = stack(tracks.Select(t => Pad(t.Tracks, n)), 0);
            Tensor vis = stack(tracks.Select(t => Pad(t.Visibility, n)), 0);
            Tensor valid = stack(tracks.Select(t => arange(n).lt(t.Tracks.shape[1])), 0);
            return new BuiltBatch(new TrainBatch(x.MoveToOuterDisposeScope(), xy.MoveToOuterDisposeScope(), vis.MoveToOuterDisposeScope(),
                valid.MoveToOuterDisposeScope()), dropped, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(digest.ToString())))[..16]);
        }
        finally
        {
            frames.ForEach(f => f.Dispose());
            tracks.ForEach(t => t.Dispose());
        }
    }

    // One clip's frames [T, 3, S, S] in [0, 1], its tracks and the views that made them, or null when no crop keeps a point.
    private (Tensor Frames, AugmentedTracks Tracks, ClipAugmentParams[] Views)? Sample(ClipDraw draw)
    {
        ReadyClip clip = draw.Clip;
        using Tensor raw = Pixels(clip, imagePairs ? 1 : clip.Pixels.Frames.Count);
        using Tensor resized = Resize(raw);
        for (int attempt = 0; attempt < CropTries; attempt++)
        {
            ClipAugmentParams[] views = imagePairs
                ? [ClipAugmentParams.Sample(Size, Size, augment, draw.Augment), ClipAugmentParams.Sample(Size, Size, augment, draw.Augment)]
                : [ClipAugmentParams.Sample(Size, Size, augment, draw.Augment)];
            using AugmentedTracks kept = imagePairs ? PairTracks(clip.Tracks, views) : Tracks(clip.Tracks, views[0]);
            if (kept.Tracks.shape[1] == 0) continue;
            Tensor frames = imagePairs
                ? cat(views.Select(v => ClipAugmentation.ApplyToFrames(resized, v)).ToArray(), 0)
                : ClipAugmentation.ApplyToFrames(resized, views[0]);
            return (frames, TrackControl.Apply(kept, control, draw.Control), views);
        }
        return null;
    }

    // The first `frames` frames of the clip as (T, 3, H, W) float in [0, 1].
    private static Tensor Pixels(ReadyClip clip, int frames)
    {
        ClipPixels p = clip.Pixels;
        if (p.Width != clip.Tracks.Width || p.Height != clip.Tracks.Height || p.Frames.Count != clip.Tracks.Frames)
            throw new InvalidDataException($"{clip.VideoPath}: {p.Frames.Count} frames of {p.Width}×{p.Height} for cached clip {clip.Tracks.ClipKey} of {clip.Tracks.Frames} frames of {clip.Tracks.Width}×{clip.Tracks.Height}");
        var bytes = new byte[(long)frames * p.FrameBytes];
        for (int i = 0; i < frames; i++) p.Frame(i).Span.CopyTo(bytes.AsSpan(i * p.FrameBytes));
        using var scope = NewDisposeScope();
        return tensor(bytes, new long[] { frames, p.Height, p.Width, 3 }).permute(0, 3, 1, 2).to(ScalarType.Float32).div(255f).MoveToOuterDisposeScope();
    }

    private Tensor Resize(Tensor frames) =>
        frames.shape[2] == Size && frames.shape[3] == Size
            ? frames.alias()
            : F.interpolate(frames, size: new long[] { Size, Size }, mode: InterpolationMode.Bilinear, align_corners: false);

    // Cached (x, y) pixels of the decode size, scaled to the training size, then flipped and cropped.
    private AugmentedTracks Tracks(CachedClip c, ClipAugmentParams p)
    {
        var xy = new float[c.Frames * c.Points * 2];
        for (int i = 0; i < c.Frames * c.Points; i++) (xy[2 * i], xy[2 * i + 1]) = ToTrainingSize(c, c.X[i], c.Y[i]);
        using var tracks = tensor(xy, new long[] { c.Frames, c.Points, 2 });
        using var visible = tensor(c.Visible, new long[] { c.Frames, c.Points });
        return ClipAugmentation.ApplyToTracks(tracks, visible, p, augment);
    }

    // An image pair's tracks: the clip's frame-0 query points, exact in both views (frame t of the pair is view t).
    private AugmentedTracks PairTracks(CachedClip c, ClipAugmentParams[] views)
    {
        int[] points = [.. Enumerable.Range(0, c.Points).Where(i => c.QueryFrame[i] == 0)];
        var xy = new float[2 * points.Length * 2];
        for (int j = 0; j < points.Length; j++)
        {
            var (x, y) = ToTrainingSize(c, c.QueryX[points[j]], c.QueryY[points[j]]);
            for (int view = 0; view < 2; view++) (xy[2 * (view * points.Length + j)], xy[2 * (view * points.Length + j) + 1]) = (x, y);
        }
        using var tracks = tensor(xy, new long[] { 2, points.Length, 2 });
        using var visible = ones(new long[] { 2, points.Length }, ScalarType.Bool);
        return ClipAugmentation.ApplyToTracks(tracks, visible, views, augment);
    }

    // Pixel-centre convention: x' = (x + 0.5) · S / W − 0.5.
    private (float X, float Y) ToTrainingSize(CachedClip c, float x, float y) =>
        ((x + 0.5f) * Size / c.Width - 0.5f, (y + 0.5f) * Size / c.Height - 0.5f);

    // [T, M, …] padded with zeros (false) to [T, n, …].
    private static Tensor Pad(Tensor t, long n)
    {
        long m = t.shape[1];
        if (m == n) return t.alias();
        long[] shape = [.. t.shape];
        shape[1] = n - m;
        return cat([t, zeros(shape, t.dtype)], 1);
    }
}
