using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Replay;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Augment;
using MoSiC.Stream.Model.Objective;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Training;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Training;

/// <summary>
/// The training batch as the loss sees it (issue #15, items 1, 6 and 7): every point a crop keeps reaches the loss with
/// weight 1 when visible, clips with different point counts are padded (not cut), a clip without a point is re-cropped
/// or left out with a reason, track ablations change only frames ≥ 1 of the tracks, image pairs map points exactly.
/// </summary>
public class ClipBatchBuilderTests
{
    private const int Size = 224, Frames = 4;

    public ClipBatchBuilderTests() => TorchRuntime.EnsureLoaded();

    private static readonly ClipAugmentOptions Augment = TrainSession.AugmentOptions(Size, 14);

    // A clip of T frames (a smooth gradient, so crops differ) whose G×G grid drifts right by 3 px per frame; the last
    // point of each row turns invisible from frame 2.
    private static ReadyClip Clip(int grid, int index = 0, Func<int, (float X, float Y)>? place = null)
    {
        int n = grid * grid;
        var x = new float[Frames * n];
        var y = new float[Frames * n];
        var visible = new bool[Frames * n];
        double m = Size / 64.0, step = grid > 1 ? (Size - 2 * m) / (grid - 1) : 0;
        for (int t = 0; t < Frames; t++)
            for (int p = 0; p < n; p++)
            {
                var (px, py) = place?.Invoke(p) ?? ((float)(m + (p % grid) * step), (float)(m + (p / grid) * step));
                x[t * n + p] = Math.Min(Size - 1, px + 3 * t);
                y[t * n + p] = py;
                visible[t * n + p] = t < 2 || p % grid != grid - 1;
            }
        var frames = Enumerable.Range(0, Frames).Select(t =>
        {
            var rgb = new byte[Size * Size * 3];
            for (int i = 0; i < Size * Size; i++) { rgb[3 * i] = (byte)(i % Size); rgb[3 * i + 1] = (byte)(i / Size); rgb[3 * i + 2] = (byte)(40 * t); }
            return rgb;
        }).ToArray();
        var tracks = new CachedClip
        {
            ClipKey = $"clip{index}", VideoHash = "hash", VideoPath = $"/videos/v{index}.mp4", ClipIndex = index,
            FrameIndices = [.. Enumerable.Range(0, Frames)], TimestampsSeconds = [.. Enumerable.Range(0, Frames).Select(f => f / 24.0)],
            Width = Size, Height = Size, Frames = Frames, Points = n,
            QueryFrame = new int[n], QueryX = x[..n], QueryY = y[..n], X = x, Y = y, Visible = visible,
        };
        return new ReadyClip(tracks.VideoPath, tracks, ClipPixels.Of(Size, Size, frames), 1, index);
    }

    private static ClipDraw Draw(ReadyClip clip, int slot, int seed = 5) =>
        new(clip, DataOrder.ForClip(seed, 1, slot), DataOrder.ForTrackControl(seed, 1, slot));

    [Fact]
    public void Clips_keeping_different_point_counts_are_padded_and_every_kept_visible_point_weighs_one()
    {
        var builder = new ClipBatchBuilder(Augment);
        using var a = Clip(32, 0);
        using var b = Clip(12, 1);
        BuiltBatch built = builder.Build([Draw(a, 0), Draw(b, 1)]);
        using TrainBatch batch = built.Batch!;
        Assert.Empty(built.Dropped);
        bool[] valid = batch.Valid!.data<bool>().ToArray();
        long n = batch.Tracks.shape[2];
        long realA = valid.Take((int)n).Count(v => v), realB = valid.Skip((int)n).Count(v => v);
        Assert.Equal(n, Math.Max(realA, realB));
        Assert.NotEqual(realA, realB);
        // The shorter clip's padding: invalid and invisible everywhere; every real slot is visible on frame 0 (weight 1).
        bool[] vis = batch.Visibility.data<bool>().ToArray();
        for (int clip = 0; clip < 2; clip++)
            for (int p = 0; p < n; p++)
            {
                bool real = valid[clip * n + p];
                Assert.Equal(real, vis[(clip * Frames + 0) * n + p]);
                if (!real) Assert.All(Enumerable.Range(0, Frames), t => Assert.False(vis[(clip * Frames + t) * n + p]));
            }

        // The loss weight of every real visible entry is 1 and padding adds nothing: the padded batch's loss is the
        // mean over real entries only.
        using var scope = NewDisposeScope();
        manual_seed(1);
        long k = 5;
        Tensor scores = randn(new long[] { 2, Frames, n, k });
        Tensor q = SinkhornKnopp.AssignPoints(randn(new long[] { 2, Frames, n, k }), batch.Valid, 0.05, 3);
        Tensor loss = ClusteringLoss.Compute(scores, q, batch.Visibility, new(), valid: batch.Valid);
        Tensor logp = nn.functional.log_softmax(scores.select(1, 0).div(0.1), -1);
        double sum = 0;
        for (int clip = 0; clip < 2; clip++)
            for (int t = 0; t < Frames; t++)
                for (int p = 0; p < n; p++)
                    if (vis[(clip * Frames + t) * n + p])
                        sum -= logp[clip, p, q[clip, t, p].argmax().item<long>()].item<float>();
        Assert.Equal(sum / (Frames * (realA + realB)), loss.item<float>(), 4);
    }

    [Fact]
    public void Sinkhorn_over_a_padded_batch_equals_sinkhorn_over_its_real_points()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        Tensor scores = randn(new long[] { 2, 3, 6, 4 });
        Tensor valid = tensor(new[] { true, true, true, true, true, true, true, true, true, false, false, false }, new long[] { 2, 6 });
        Tensor q = SinkhornKnopp.AssignPoints(scores, valid, 0.05, 10);
        Tensor real = cat([scores[0].reshape(-1, 4), scores[1].narrow(1, 0, 3).reshape(-1, 4)], 0);
        Tensor expected = SinkhornKnopp.Assign(real, 0.05, 10);
        Tensor actual = cat([q[0].reshape(-1, 4), q[1].narrow(1, 0, 3).reshape(-1, 4)], 0);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-7));
        Assert.Equal(0f, q[1].narrow(1, 3, 3).abs().sum().item<float>());
    }

    [Fact]
    public void A_clip_whose_crop_keeps_no_point_is_recropped_or_left_out_with_a_reason()
    {
        var builder = new ClipBatchBuilder(Augment);
        // One point in the top-left corner: most crops miss it.
        using var corner = Clip(1, 0, _ => (2f, 2f));
        int recropped = 0, left = 0;
        for (int slot = 0; slot < 40; slot++)
        {
            var first = ClipAugmentParams.Sample(Size, Size, Augment, DataOrder.ForClip(5, 1, slot));
            BuiltBatch built = builder.Build([Draw(corner, slot)]);
            using (built.Batch)
            {
                if (built.Batch is null)
                {
                    left++;
                    Assert.Contains("no tracked point inside 11 crops", Assert.Single(built.Dropped));
                }
                else if (!first.Inside(first.Map(2, 2).X, first.Map(2, 2).Y))
                {
                    recropped++;
                }
            }
        }
        Assert.True(recropped > 0, "no clip was saved by a re-crop");
        // A clip without any point at all is left out, never an exception.
        using var empty = Clip(0, 1);
        BuiltBatch none = builder.Build([Draw(empty, 0)]);
        Assert.Null(none.Batch);
        Assert.Single(none.Dropped);
        Assert.True(left + recropped > 0);
    }

    [Theory]
    [InlineData(TrackControlKind.Shuffle)]
    [InlineData(TrackControlKind.Static)]
    public void Arms_that_differ_only_in_the_track_control_get_identical_pixels_crops_and_frame_zero_points(TrackControlKind kind)
    {
        using var clip = Clip(32);
        BuiltBatch truthBuilt = new ClipBatchBuilder(Augment).Build([Draw(clip, 3)]), controlBuilt = new ClipBatchBuilder(Augment, kind).Build([Draw(clip, 3)]);
        using TrainBatch truth = truthBuilt.Batch!;
        using TrainBatch control = controlBuilt.Batch!;
        // The train log's digest says so too, and changes with the slot (another crop).
        Assert.Equal(truthBuilt.Digest, controlBuilt.Digest);
        using (var other = new ClipBatchBuilder(Augment).Build([Draw(clip, 4)]).Batch) Assert.NotNull(other);
        Assert.NotEqual(truthBuilt.Digest, new ClipBatchBuilder(Augment).Build([Draw(clip, 4)]).Digest);
        Assert.True(Same(truth.Frames, control.Frames));
        Assert.True(Same(truth.Valid!, control.Valid!));
        Assert.True(Same(truth.Tracks.select(1, 0), control.Tracks.select(1, 0)));
        Assert.True(Same(truth.Visibility.select(1, 0), control.Visibility.select(1, 0)));
        Assert.False(Same(truth.Tracks.narrow(1, 1, Frames - 1), control.Tracks.narrow(1, 1, Frames - 1)));
        if (kind == TrackControlKind.Static)
        {
            Assert.True(Same(control.Tracks.select(1, Frames - 1), control.Tracks.select(1, 0)));
            Assert.True(Same(truth.Visibility, control.Visibility));
        }
        else
        {
            // A permutation: the set of frame-t positions (and visible counts) is the truth's, reordered.
            Tensor sortedTruth = truth.Tracks.select(1, 2).select(-1, 0).sort().Values, sortedControl = control.Tracks.select(1, 2).select(-1, 0).sort().Values;
            Assert.True(Same(sortedTruth, sortedControl));
            Assert.Equal(truth.Visibility.select(1, 3).sum().item<long>(), control.Visibility.select(1, 3).sum().item<long>());
        }
    }

    [Fact]
    public void An_image_pair_is_two_views_of_the_first_frame_with_the_exact_point_mapping()
    {
        using var clip = Clip(32);
        var builder = new ClipBatchBuilder(Augment, imagePairs: true);
        using TrainBatch pair = builder.Build([Draw(clip, 7)]).Batch!;
        Assert.Equal(new long[] { 1, 2, 3, Size, Size }, pair.Frames.shape);
        // The same two views, drawn as the builder draws them.
        Random r = DataOrder.ForClip(5, 1, 7);
        var v1 = ClipAugmentParams.Sample(Size, Size, Augment, r);
        var v2 = ClipAugmentParams.Sample(Size, Size, Augment, r);
        float[] xy = pair.Tracks.data<float>().ToArray();
        bool[] vis = pair.Visibility.data<bool>().ToArray();
        long n = pair.Tracks.shape[2];
        var sources = clip.Tracks.QueryX.Zip(clip.Tracks.QueryY).ToArray();
        for (int p = 0; p < n; p++)
        {
            // The source point under view 1's position, mapped through view 2, is frame 1's position.
            var s = sources.First(q => Near(v1.Map(q.First, q.Second), (xy[2 * p], xy[2 * p + 1])));
            var expected = v2.Map(s.First, s.Second);
            Assert.True(Near(expected, (xy[2 * (n + p)], xy[2 * (n + p) + 1])), $"point {p}");
            Assert.Equal(v2.Inside(expected.X, expected.Y), vis[n + p]);
        }
        // Frames: view 1 and view 2 of frame 0 (the blue channel is 40·t, so 0 in both).
        Assert.Equal(0, pair.Frames.select(2, 2).mul(0.225).add(0.406).abs().max().item<float>(), 4);
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static bool Near((double X, double Y) a, (float X, float Y) b) => Math.Abs(a.X - b.X) < 1e-3 && Math.Abs(a.Y - b.Y) < 1e-3;
}
