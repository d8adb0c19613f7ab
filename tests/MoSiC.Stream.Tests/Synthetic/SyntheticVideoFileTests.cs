using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Synthetic;

namespace MoSiC.Stream.Tests.Synthetic;

[Collection(SyntheticCorpusCollection.Name)]
public sealed class SyntheticVideoFileTests(SyntheticCorpusFixture corpus)
{
    [SkippableFact]
    public void Every_video_has_exactly_the_requested_frames_and_size()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        foreach (SyntheticVideoEntry video in corpus.ManifestA.Videos)
        {
            (int frames, int width, int height) = ExternalTools.Probe(Path.Combine(corpus.DirA, video.File));
            Assert.Equal((SyntheticCorpusFixture.Options.Frames, 320, 240), (frames, width, height));
            Assert.Equal((frames, width, height), (video.Frames, video.Width, video.Height));
        }
    }

    [SkippableFact]
    public void Decoded_frames_look_like_the_rendered_frames()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        SyntheticVideoEntry entry = corpus.ManifestA.Videos[0];
        var video = SyntheticVideo.Create(SyntheticCorpusFixture.Options, 0);
        byte[][] decoded = ExternalTools.DecodeFrames(Path.Combine(corpus.DirA, entry.File), entry.Width, entry.Height);
        Assert.Equal(entry.Frames, decoded.Length);
        var rgb = new byte[entry.Width * entry.Height * 3];
        var labels = new byte[entry.Width * entry.Height];
        foreach (int t in new[] { 0, entry.Frames / 2, entry.Frames - 1 })
        {
            video.RenderFrame(t, rgb, labels);
            double mad = rgb.Zip(decoded[t], (a, b) => Math.Abs(a - b)).Average();
            Assert.True(mad < 8, $"frame {t}: mean absolute difference {mad:F2} levels");
            // A frame from elsewhere in the clip must be clearly further away, or the check means nothing.
            double other = rgb.Zip(decoded[(t + entry.Frames / 2) % entry.Frames], (a, b) => Math.Abs(a - b)).Average();
            Assert.True(other > 2 * mad, $"frame {t}: {mad:F2} to itself, {other:F2} to another frame");
        }
    }

    [SkippableFact]
    public void No_temporary_files_are_left_behind()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        string[] leftovers = Directory.EnumerateFiles(corpus.DirA, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".partial", StringComparison.Ordinal) || AtomicFile.TryParseTempName(Path.GetFileName(f), out _, out _))
            .ToArray();
        Assert.Empty(leftovers);
    }
}
