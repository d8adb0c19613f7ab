using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Synthetic;

namespace MoSiC.Stream.Tests.Synthetic;

public sealed class SynthOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_match_the_documented_values()
    {
        var options = new SynthOptions();
        Assert.Empty(options.Validate());
        Assert.Equal((48, 320, 240, 24, 256, 18, 1, true), (options.Frames, options.Width, options.Height, options.Fps, options.TrackPoints, options.Crf, options.Parallelism, options.PanBackground));
    }

    [Fact]
    public void Odd_width_error_names_the_field_and_the_value()
    {
        var error = Assert.Single(new SynthOptions { Width = 31 }.Validate());
        Assert.Equal("synth.width must be even and >= 32, got 31", error);
    }

    [Theory]
    [InlineData("videos", 0)]
    [InlineData("frames", 1)]
    [InlineData("height", 30)]
    [InlineData("fps", 0)]
    [InlineData("trackPoints", 0)]
    [InlineData("crf", 52)]
    [InlineData("parallelism", 0)]
    [InlineData("minObjects", 0)]
    public void Each_bad_field_is_named_with_its_value(string field, int value)
    {
        SynthOptions options = field switch
        {
            "videos" => new SynthOptions { Videos = value },
            "frames" => new SynthOptions { Frames = value },
            "height" => new SynthOptions { Height = value },
            "fps" => new SynthOptions { Fps = value },
            "trackPoints" => new SynthOptions { TrackPoints = value },
            "crf" => new SynthOptions { Crf = value },
            "parallelism" => new SynthOptions { Parallelism = value },
            _ => new SynthOptions { MinObjects = value },
        };
        var error = Assert.Single(options.Validate());
        Assert.StartsWith($"synth.{field} ", error);
        Assert.EndsWith($"got {value}", error);
    }

    [Fact]
    public void All_errors_are_reported_together_and_thrown_as_one()
    {
        var options = new SynthOptions { Width = 33, Frames = 0, MinObjects = 4, MaxObjects = 2 };
        Assert.Equal(3, options.Validate().Count);
        var e = Assert.Throws<ArgumentException>(options.ThrowIfInvalid);
        Assert.Contains("synth.width must be even and >= 32, got 33", e.Message);
        Assert.Contains("synth.frames", e.Message);
        Assert.Contains("synth.maxObjects", e.Message);
    }

    [Fact]
    public async Task Generation_rejects_invalid_options_before_touching_the_disk()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"mosic-synth-invalid-{Guid.NewGuid():N}");
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            SyntheticCorpus.GenerateAsync(new SynthOptions { Crf = -1 }, dir, null, CancellationToken.None));
        Assert.Contains("synth.crf", e.Message);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Parallelism_does_not_change_which_corpus_is_described()
    {
        var options = new SynthOptions { Seed = 3 };
        Assert.True(options.DescribesSameCorpusAs(options with { Parallelism = 4 }));
        Assert.False(options.DescribesSameCorpusAs(options with { Seed = 4 }));
    }
}
