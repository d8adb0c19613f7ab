using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model.Augment;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Storage.Cache;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MoSiC.Stream.Runner.Train;

/// <summary>
/// Turns cached clips into a <see cref="TrainBatch"/>: decode the video with the pipeline's decode settings (so frame
/// indices and track pixels mean what they meant when tracking), resize to the training size, one shared flip and
/// crop per clip for frames and tracks, keep up to G² points nearest a G × G grid, normalise.
/// </summary>
internal sealed class ClipBatchLoader(PipelineOptions pipeline, ClipAugmentOptions augment)
{
    private int Size => augment.OutputSize;

    public async Task<TrainBatch?> LoadAsync(IReadOnlyList<(TrainClip Clip, Random Random)> clips, Action<FailureRecord> failed, CancellationToken ct)
    {
        var frames = new List<Tensor>();
        var tracks = new List<AugmentedTracks>();
        try
        {
            foreach (var (clip, random) in clips)
            {
                ClipAugmentParams p = ClipAugmentParams.Sample(Size, Size, augment, random);
                try
                {
                    using (Tensor raw = await DecodeAsync(clip, ct))
                    using (Tensor resized = Resize(raw))
                        frames.Add(ClipAugmentation.ApplyToFrames(resized, p));
                }
                catch (VideoFailedException e)
                {
                    // One broken video never stops a run: its clip leaves this batch, the others train.
                    failed(e.Record);
                    continue;
                }
                catch (InvalidDataException e)
                {
                    failed(new FailureRecord(clip.Video.Path, "train", e.Message));
                    continue;
                }

                tracks.Add(Tracks(clip.Tracks, p));
            }

            if (frames.Count == 0) return null;
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

    // The clip's frames as (T, 3, H, W) float in [0, 1], at the decode size the tracks were computed on.
    private async Task<Tensor> DecodeAsync(TrainClip clip, CancellationToken ct)
    {
        CachedClipCheck(clip);
        int needed = clip.Tracks.FrameIndices.Max() + 1;
        using DecodedVideo video = await DecodedVideo.LoadAsync(clip.Video, pipeline.Decode, needed, pipeline.Runtime.Threads.FfmpegThreads, ct,
            maxBytes: (long)pipeline.Runtime.Buffers.FrameMegabytes << 20);
        if (video.Width != clip.Tracks.Width || video.Height != clip.Tracks.Height || video.Frames.Count < needed)
            throw new InvalidDataException($"{clip.Video.Path}: decodes to {video.Frames.Count} frames of {video.Width}×{video.Height}, " +
                $"but its cached clip needs {needed} frames of {clip.Tracks.Width}×{clip.Tracks.Height}; run mosic-stream track again");
        int h = video.Height, w = video.Width, t = clip.Tracks.FrameIndices.Length;
        var bytes = new byte[(long)t * h * w * 3];
        for (int i = 0; i < t; i++)
            video.Frames[clip.Tracks.FrameIndices[i]].Rgb.Span.CopyTo(bytes.AsSpan(i * h * w * 3));
        using var scope = NewDisposeScope();
        return tensor(bytes, new long[] { t, h, w, 3 }).permute(0, 3, 1, 2).to(ScalarType.Float32).div(255f).MoveToOuterDisposeScope();
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

    private static void CachedClipCheck(TrainClip clip)
    {
        if (clip.Tracks.FrameIndices.Length != clip.Tracks.Frames)
            throw new InvalidDataException($"{clip.Video.Path}: cached clip {clip.Tracks.ClipKey} has {clip.Tracks.FrameIndices.Length} frame indices for {clip.Tracks.Frames} frames");
    }
}
