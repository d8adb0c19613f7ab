using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Core.Options;

/// <summary>
/// A pipeline file's errors as a user needs them: all at once (a type error no longer hides the rest), enum values
/// listed with the nearest one, "did you mean" for field names, and each with its line and column.
/// </summary>
public sealed class PipelineErrorsTests
{
    private static OptionsException Reject(string json) =>
        Assert.Throws<OptionsException>(() => PipelineJson.Parse(json, "test.json"));

    [Fact]
    public void An_enum_typo_lists_the_allowed_values_suggests_one_and_hides_no_other_error()
    {
        OptionsException e = Reject("""
            {
              "corpus": { "include": ["a.mp4"] },
              "decode": { "resize": "strech", "fps": -3 },
              "clips": { "strid": 2 },
              "tracker": { "grid": "big" }
            }
            """);
        Assert.Equal(4, e.Errors.Count);
        Assert.Contains("decode.resize must be one of none, stretch, short-side, fit, got \"strech\" (did you mean \"stretch\"?)", e.Errors);
        Assert.Contains("decode.fps must be in (0, 1000] or null, got -3", e.Errors);
        Assert.Contains(e.Errors, m => m.StartsWith("clips.strid is not a known field (allowed: framesPerClip, stride, clipsPerVideo); did you mean \"stride\"?", StringComparison.Ordinal));
        Assert.Contains("tracker.grid has the wrong type: a whole number expected, got \"big\"", e.Errors);
    }

    [Fact]
    public void Each_error_says_its_line_and_column_in_file_order()
    {
        OptionsException e = Reject("{\n  \"corpus\": { \"include\": [\"a.mp4\"] },\n  \"clips\": { \"stride\": 0 },\n  \"decode\": { \"fps\": -3 }\n}");
        Assert.Equal([(3, 14), (4, 15)], e.Locations.Select(l => l!.Value).ToArray());
        Assert.Contains("test.json:3:14: clips.stride must be in 1..1000, got 0", e.Message);
        Assert.Contains("test.json:4:15: decode.fps must be in (0, 1000] or null, got -3", e.Message);
        Assert.True(e.Message.IndexOf("clips.stride", StringComparison.Ordinal) < e.Message.IndexOf("decode.fps", StringComparison.Ordinal));
    }

    [Fact]
    public void Malformed_json_gives_line_and_column()
    {
        OptionsException e = Reject("{ \"corpus\": {\n  \"include\": [\"a.mp4\" }\n}");
        Assert.Equal((2, 23), e.Locations.Single()!.Value);
        Assert.Contains("test.json:2:23: is not valid JSON (line 2, column 23)", e.Message);
    }

    [Fact]
    public void A_name_outside_a_fixed_list_gets_the_nearest_one()
    {
        OptionsException e = Reject("""{ "corpus": { "include": ["a.mp4"] }, "tracker": { "name": "kl" }, "runtime": { "device": "cdua" } }""");
        Assert.Contains("tracker.name must be one of lk, cotracker3-offline, cotracker3-online, got \"kl\" (did you mean \"lk\"?)", e.Errors);
        Assert.Contains("runtime.device must be one of auto, cpu, cuda, got \"cdua\" (did you mean \"cuda\"?)", e.Errors);
    }

    [Fact]
    public void A_pipeline_path_that_is_a_folder_says_so()
    {
        using var dir = new TempDir();
        OptionsException e = Assert.Throws<OptionsException>(() => PipelineJson.Load(dir.Path));
        Assert.Contains("is a folder, not a pipeline file", e.Message);
        Assert.DoesNotContain("denied", e.Message);
    }

    [Theory]
    [InlineData("strech", "stretch")]
    [InlineData("--shrad", "--shard")]
    [InlineData("rnu", "run")]
    [InlineData("zzzzzz", null)]
    public void Nearest_name_finds_likely_typos_only(string typed, string? expected) =>
        Assert.Equal(expected, NearestName.Find(typed, ["none", "stretch", "--shard", "--report", "run", "track"]));
}
