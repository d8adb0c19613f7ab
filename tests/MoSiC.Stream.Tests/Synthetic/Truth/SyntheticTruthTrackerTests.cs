using System.Text.Json;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Synthetic;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Synthetic.Truth;

/// <summary>
/// The <c>synthetic-truth</c> tracker (issue #15, item 5): any query points of a synthetic clip, positions and
/// occlusion exactly as rendered; other videos refused. Only the manifest is written: the tracker reads the scene,
/// never the mp4, so no ffmpeg is needed.
/// </summary>
public sealed class SyntheticTruthTrackerTests : IDisposable
{
    private static readonly SynthOptions Options = new() { Videos = 2, Seed = 4, Frames = 24, Width = 120, Height = 90, TrackPoints = 64, Parallelism = 1 };

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // corpus.json as the generator writes it; the videos themselves are not needed by the tracker.
    private string Corpus()
    {
        var manifest = new SyntheticCorpusManifest
        {
            Generator = SyntheticCorpusManifest.CurrentGenerator,
            Seed = Options.Seed,
            Options = Options,
            Videos = [.. Enumerable.Range(0, Options.Videos).Select(i =>
            {
                var v = SyntheticVideo.Create(Options, i);
                return new SyntheticVideoEntry
                {
                    Name = v.Name, File = CorpusLayout.VideoFile(v.Name), Annotations = CorpusLayout.AnnotationFolder(v.Name), Tracks = CorpusLayout.TracksFile(v.Name),
                    Frames = v.Frames, Width = v.Width, Height = v.Height, Fps = v.Fps, Objects = v.ObjectCount, Seed = v.Seed,
                };
            })],
        };
        File.WriteAllBytes(Path.Combine(_dir.Path, CorpusLayout.ManifestFile), JsonSerializer.SerializeToUtf8Bytes(manifest, CorpusJson.Indented));
        return _dir.Path;
    }

    // A clip of `frames` consecutive frames from `start`, at a decode size of width × height (pixels unused).
    private static TrackClip Clip(string root, int video, int start, int frames, int width, int height) =>
        new($"clip{video}", [.. Enumerable.Range(0, frames).Select(_ => (ReadOnlyMemory<byte>)new byte[width * height * 3])],
            new ClipOrigin(CorpusLayout.Resolve(root, CorpusLayout.VideoFile(CorpusLayout.VideoName(video))),
                [.. Enumerable.Range(start, frames).Select(f => f / (double)Options.Fps)]));

    [Fact]
    public async Task It_reproduces_the_corpus_tracks_file_for_the_same_queries()
    {
        string root = Corpus();
        var video = SyntheticVideo.Create(Options, 1);
        SyntheticTracks truth = video.CreateTracks();
        var queries = truth.Points.Select(p => new TrackQuery(0, (float)p[0][0], (float)p[0][1])).ToArray();
        await using var tracker = new SyntheticTruthTracker();
        var batch = new ClipBatch(Options.Width, Options.Height, [Clip(root, 1, 0, Options.Frames, Options.Width, Options.Height)]);
        TrackResult r = await tracker.TrackAsync(batch, QuerySpec.Explicit(queries), CancellationToken.None);
        for (int p = 0; p < queries.Length; p++)
            for (int t = 0; t < Options.Frames; t++)
            {
                // The file keeps millipixels; its occlusion comes from the same scene test.
                Assert.True(Math.Abs(truth.Points[p][t][0] - r.X(0, t, p)) < 5e-3 && Math.Abs(truth.Points[p][t][1] - r.Y(0, t, p)) < 5e-3, $"point {p} frame {t}");
                Assert.Equal(!truth.Occluded[p][t], r.IsVisible(0, t, p));
            }
    }

    [Fact]
    public async Task Grid_tracks_stay_on_their_painted_content_and_their_occlusion_matches_the_masks()
    {
        string root = Corpus();
        var video = SyntheticVideo.Create(Options, 0);
        int w = video.Width, h = video.Height, start = 3, frames = 16;
        var rgb = new byte[frames][];
        var labels = new byte[frames][];
        for (int f = 0; f < frames; f++)
        {
            (rgb[f], labels[f]) = (new byte[w * h * 3], new byte[w * h]);
            video.RenderFrame(start + f, rgb[f], labels[f]);
        }

        await using var tracker = new SyntheticTruthTracker();
        TrackResult r = await tracker.TrackAsync(new ClipBatch(w, h, [Clip(root, 0, start, frames, w, h)]), QuerySpec.Grid(16), CancellationToken.None);
        SyntheticScene scene = video.Scene;
        double followed = 0, stayed = 0;
        int visibleCells = 0, disagreements = 0, cells = 0;
        for (int p = 0; p < r.Points; p++)
        {
            var anchor = SceneAnchor.Under(scene, start, r.X(0, 0, p), r.Y(0, 0, p));
            for (int t = 0; t < frames; t++)
            {
                float x = r.X(0, t, p), y = r.Y(0, t, p);
                bool inFrame = x >= -0.5 && x < w - 0.5 && y >= -0.5 && y < h - 0.5;
                int px = (int)Math.Round(x), py = (int)Math.Round(y);
                if (r.IsVisible(0, t, p))
                {
                    // Exact: the content under the tracked point on frame t is the query's content.
                    var here = SceneAnchor.Under(scene, start + t, x, y);
                    Assert.Equal(anchor.Label, here.Label);
                    Assert.True(Math.Abs(here.Anchor.X - anchor.Anchor.X) < 1e-3 && Math.Abs(here.Anchor.Y - anchor.Anchor.Y) < 1e-3, $"point {p} frame {t}");
                    // And in pixels: the colour under the track stays closer to frame 0's than a point left in place.
                    int q0 = 3 * ((int)Math.Round(r.Y(0, 0, p)) * w + (int)Math.Round(r.X(0, 0, p)));
                    int q = 3 * (py * w + px);
                    int qs = q0;
                    for (int c = 0; c < 3; c++) { followed += Math.Abs(rgb[t][q + c] - rgb[0][q0 + c]); stayed += Math.Abs(rgb[t][qs + c] - rgb[0][q0 + c]); }
                    visibleCells++;
                }
                // Occlusion against the rendered mask: the label painted under the point is (not) the point's own.
                bool maskSaysVisible = inFrame && labels[t][py * w + px] == anchor.Label;
                cells++;
                if (maskSaysVisible != r.IsVisible(0, t, p))
                {
                    disagreements++;
                    // Only where the pixel centre and the exact point straddle an outline: a mixed 3×3 neighbourhood.
                    Assert.True(inFrame, $"point {p} frame {t}: out of frame yet visible");
                    var around = from dy in new[] { -1, 0, 1 } from dx in new[] { -1, 0, 1 }
                                 let yy = Math.Clamp(py + dy, 0, h - 1) let xx = Math.Clamp(px + dx, 0, w - 1)
                                 select labels[t][yy * w + xx];
                    Assert.True(around.Distinct().Count() > 1, $"point {p} frame {t}: occlusion differs from the mask away from any outline");
                }
            }
        }
        Assert.True(visibleCells > frames * r.Points / 2);
        Assert.True(disagreements <= cells / 50, $"{disagreements} of {cells} cells disagree with the masks");
        Assert.True(followed < stayed / 3, $"colour change along tracks {followed / visibleCells:F2} vs in place {stayed / visibleCells:F2}");
    }

    [Fact]
    public async Task A_decode_size_other_than_the_render_size_maps_both_ways_with_pixel_centres()
    {
        string root = Corpus();
        await using var tracker = new SyntheticTruthTracker();
        TrackResult native = await tracker.TrackAsync(new ClipBatch(Options.Width, Options.Height, [Clip(root, 0, 0, 8, Options.Width, Options.Height)]), QuerySpec.Grid(8), CancellationToken.None);
        var scaled = native.Queries.Select(q => new TrackQuery(0, (q.X + 0.5f) * 224 / Options.Width - 0.5f, (q.Y + 0.5f) * 224 / Options.Height - 0.5f)).ToArray();
        TrackResult stretched = await tracker.TrackAsync(new ClipBatch(224, 224, [Clip(root, 0, 0, 8, 224, 224)]), QuerySpec.Explicit(scaled), CancellationToken.None);
        for (int p = 0; p < native.Points; p++)
            for (int t = 0; t < 8; t++)
            {
                Assert.True(Math.Abs((native.X(0, t, p) + 0.5) * 224 / Options.Width - 0.5 - stretched.X(0, t, p)) < 1e-3, $"x of point {p} frame {t}");
                Assert.True(Math.Abs((native.Y(0, t, p) + 0.5) * 224 / Options.Height - 0.5 - stretched.Y(0, t, p)) < 1e-3, $"y of point {p} frame {t}");
                Assert.Equal(native.IsVisible(0, t, p), stretched.IsVisible(0, t, p));
            }
    }

    [Fact]
    public async Task Other_videos_are_refused_with_a_message_that_says_why()
    {
        string root = Corpus();
        await using var tracker = new SyntheticTruthTracker();
        var noOrigin = new ClipBatch(8, 8, [new TrackClip("c", [new byte[8 * 8 * 3]])]);
        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await tracker.TrackAsync(noOrigin, QuerySpec.Grid(2), CancellationToken.None));
        Assert.Contains("synthetic corpora", e.Message);

        string elsewhere = Path.Combine(root, "other", "videos", "real.mp4");
        var foreign = new ClipBatch(8, 8, [new TrackClip("c", [new byte[8 * 8 * 3]], new ClipOrigin(elsewhere, [0.0]))]);
        e = await Assert.ThrowsAsync<ArgumentException>(async () => await tracker.TrackAsync(foreign, QuerySpec.Grid(2), CancellationToken.None));
        Assert.Contains("not a video of a synthetic corpus", e.Message);
        Assert.Contains("real.mp4", e.Message);
    }

    [Fact]
    public void A_pipeline_naming_it_needs_a_synthetic_corpus_and_the_runner_catalog_knows_it()
    {
        var pipeline = new PipelineOptions { Corpus = new CorpusOptions { Include = ["videos/*.mp4"] }, Tracker = new TrackerOptions { Name = TrackerOptions.SyntheticTruth } };
        var e = Assert.Throws<OptionsException>(() => pipeline.Validate("test"));
        Assert.Contains("tracker.name", e.Message);
        Assert.Contains("corpus.synthetic", e.Message);
        (pipeline with { Corpus = new CorpusOptions { Synthetic = Options } }).Validate("test");

        var catalog = TrackerFactory.BuiltIn.With(SyntheticTruthTracker.Registration);
        Assert.Equal("synthetic-truth/v1", catalog.Identity(pipeline.Tracker).Key);
        Assert.False(catalog.IsLearned(pipeline.Tracker));
        Assert.Throws<ArgumentException>(() => TrackerFactory.Identity(pipeline.Tracker));
        Assert.Throws<ArgumentException>(() => catalog.With(SyntheticTruthTracker.Registration));
    }
}
