using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Eval.Segmentation;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Synthetic;
using MoSiC.Stream.Tests.Support;
using MoSiC.Stream.Tests.Synthetic;
using static TorchSharp.torch;

namespace MoSiC.Stream.Tests.Eval.Segmentation;

/// <summary>A synthetic corpus (corpus.json, videos/*.mp4, Annotations/&lt;video&gt;/*.png) as an eval input.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class SyntheticEvalTests : IDisposable
{
    private static readonly SynthOptions Options = new() { Videos = 2, Seed = 11, Frames = 10, Width = 96, Height = 64, TrackPoints = 4, Parallelism = 1 };

    private readonly TempDir _dir = new();

    public SyntheticEvalTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public async Task A_corpus_folder_gives_one_clip_per_video_with_the_frames_its_masks_name()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var manifest = await SyntheticCorpus.GenerateAsync(Options, _dir.Path, null, CancellationToken.None);
        var clips = VideoSegmentationClip.Discover(_dir.Path);
        Assert.Equal(manifest.Videos.Select(v => v.Name), clips.Select(c => c.Name));
        Assert.All(clips, c => Assert.NotNull(c.VideoFile));
        var stems = clips[0].SelectFrames(3, 2);
        Assert.Equal(new[] { "00000", "00002", "00004" }, stems);

        LabelMap[] masks = clips[0].ReadMasks(stems);
        Assert.All(masks, m => Assert.Equal((Options.Width, Options.Height), (m.Width, m.Height)));
        int objects = manifest.Videos[0].Objects;
        Assert.InRange(masks.SelectMany(m => m.Labels).Max(), 1, objects);

        // The picture decoded for mask 00004 is frame 4 of the video, not a neighbour: compare with the renderer.
        var video = SyntheticVideo.Create(Options, 0);
        var pictures = await clips[0].LoadPicturesAsync(["00004"], Options.Width, Options.Height, CancellationToken.None);
        using var picture = pictures[0];
        var decoded = new byte[Options.Width * Options.Height * 3];
        picture.CopyPixelDataTo(decoded);
        double Distance(int frame)
        {
            var rgb = new byte[decoded.Length];
            video.RenderFrame(frame, rgb, new byte[Options.Width * Options.Height]);
            return rgb.Zip(decoded, (a, b) => Math.Abs(a - b)).Average();
        }
        double here = Distance(4);
        Assert.True(here < Distance(3) && here < Distance(5), $"frame 4: {here:F2}, 3: {Distance(3):F2}, 5: {Distance(5):F2}");

        using var frames = await clips[0].LoadFramesAsync(stems, 28, CancellationToken.None);
        Assert.Equal(new long[] { 3, 3, 28, 28 }, frames.shape);
    }

    [SkippableFact]
    public async Task A_random_tiny_vit_is_scored_on_every_video_against_its_masks()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var manifest = await SyntheticCorpus.GenerateAsync(Options, _dir.Path, null, CancellationToken.None);
        var clips = VideoSegmentationClip.Discover(_dir.Path);
        manual_seed(0);
        using var model = new DinoVisionTransformer(VitConfig.Tiny);
        var options = new VideoSegmentationEvalOptions(new ClipEvalOptions(3, ClusteringScope.PerClip, Restarts: 2, Seed: 1, EvalSize: null), MaxFrames: 2, FrameStride: 4,
            ImageSize: 56, VizDir: _dir.File("viz"));
        var report = await VideoSegmentationEval.RunAsync(clips, model, "random:tiny", options, _dir.File("out"), CancellationToken.None);
        Assert.Equal(2, report.Clips.Length);
        Assert.All(report.Clips, c => Assert.InRange(c.ClipMiou, 1e-9, 1.0));
        Assert.All(report.Clips.Zip(manifest.Videos), p => Assert.InRange(p.First.Labels, 2, p.Second.Objects + 1));
        var overlay = SixLabors.ImageSharp.Image.Identify(_dir.File(Path.Combine("viz", "synth-0001", "00004.png")));
        Assert.Equal((2 * Options.Width, Options.Height), (overlay.Width, overlay.Height));
        Assert.True(File.Exists(_dir.File(Path.Combine("out", "eval.json"))));
    }
}
