using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Synthetic;

namespace MoSiC.Stream.Tests.Synthetic;

[Collection(SyntheticCorpusCollection.Name)]
public sealed class SyntheticDeterminismTests(SyntheticCorpusFixture corpus)
{
    [SkippableFact]
    public void Same_seed_gives_byte_identical_tracks_and_masks()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        foreach (SyntheticVideoEntry video in corpus.ManifestA.Videos)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(corpus.DirA, video.Tracks)), File.ReadAllBytes(Path.Combine(corpus.DirB, video.Tracks)));
            for (int t = 0; t < video.Frames; t++)
            {
                string mask = Path.Combine(video.Annotations, $"{t:D5}.png");
                Assert.Equal(File.ReadAllBytes(Path.Combine(corpus.DirA, mask)), File.ReadAllBytes(Path.Combine(corpus.DirB, mask)));
            }
        }
    }

    [SkippableFact]
    public void Same_seed_gives_identical_decoded_first_frames()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        foreach (SyntheticVideoEntry video in corpus.ManifestA.Videos)
        {
            byte[] a = ExternalTools.DecodeFirstFrame(Path.Combine(corpus.DirA, video.File));
            byte[] b = ExternalTools.DecodeFirstFrame(Path.Combine(corpus.DirB, video.File));
            Assert.Equal(video.Width * video.Height * 3, a.Length);
            Assert.True(a.AsSpan().SequenceEqual(b), $"{video.Name}: first frames differ between identical generations");
        }
    }

    [SkippableFact]
    public void Manifests_of_identical_generations_agree_and_round_trip()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        SyntheticCorpusManifest read = SyntheticCorpus.ReadManifest(corpus.DirA);
        Assert.Equal(SyntheticCorpusManifest.CurrentGenerator, read.Generator);
        Assert.Equal(SyntheticCorpusFixture.Options, read.Options);
        Assert.Equal(corpus.ManifestA.Videos, read.Videos);
        Assert.Equal(corpus.ManifestA.Videos, corpus.ManifestB.Videos);
        Assert.Equal(["synth-0000", "synth-0001"], read.Videos.Select(v => v.Name));
    }

    [SkippableFact]
    public void A_different_seed_gives_a_different_video()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        SyntheticVideoEntry a = corpus.ManifestA.Videos[0];
        SyntheticVideoEntry c = corpus.ManifestC.Videos[0];
        Assert.NotEqual(a.Seed, c.Seed);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(corpus.DirA, a.Tracks)), File.ReadAllBytes(Path.Combine(corpus.DirC, c.Tracks)));
        byte[] frameA = ExternalTools.DecodeFirstFrame(Path.Combine(corpus.DirA, a.File));
        byte[] frameC = ExternalTools.DecodeFirstFrame(Path.Combine(corpus.DirC, c.File));
        Assert.False(frameA.AsSpan().SequenceEqual(frameC));
    }

    [Fact]
    public void Rendering_in_memory_is_deterministic()
    {
        var options = new SynthOptions { Videos = 3, Seed = 5, Frames = 6 };
        var first = SyntheticVideo.Create(options, 2);
        var second = SyntheticVideo.Create(options, 2);
        var other = SyntheticVideo.Create(options, 1);
        var (rgb1, labels1) = (new byte[320 * 240 * 3], new byte[320 * 240]);
        var (rgb2, labels2) = (new byte[320 * 240 * 3], new byte[320 * 240]);
        first.RenderFrame(5, rgb1, labels1);
        second.RenderFrame(5, rgb2, labels2);
        Assert.True(rgb1.AsSpan().SequenceEqual(rgb2));
        Assert.True(labels1.AsSpan().SequenceEqual(labels2));
        other.RenderFrame(5, rgb2, labels2);
        Assert.False(rgb1.AsSpan().SequenceEqual(rgb2));
    }
}
