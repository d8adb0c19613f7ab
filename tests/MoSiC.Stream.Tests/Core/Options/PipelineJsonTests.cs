using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Runner.Pipelines;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Core.Options;

public sealed class PipelineJsonTests
{
    private const string Minimal = """{ "corpus": { "include": ["videos/*.mp4"] } }""";

    private static OptionsException Reject(string json) =>
        Assert.Throws<OptionsException>(() => PipelineJson.Parse(json, "test.json"));

    [Theory]
    [InlineData("sample.json")]
    [InlineData("ytvos.json")]
    [InlineData("davis.json")]
    public void Shipped_pipelines_are_valid(string file)
    {
        var options = PipelineJson.Load(Path.Combine(RepoPaths.Pipelines, file));
        Assert.False(string.IsNullOrWhiteSpace(options.Name));
    }

    [Theory]
    [InlineData("ytvos.json")]
    [InlineData("davis.json")]
    public void Paper_pipelines_use_the_paper_clip_settings(string file)
    {
        var options = PipelineJson.Load(Path.Combine(RepoPaths.Pipelines, file));
        Assert.Equal((12, 6), (options.Clips.FramesPerClip, options.Clips.Stride));
        Assert.Equal((ResizeMode.Stretch, 224, 224), (options.Decode.Resize, options.Decode.Width, options.Decode.Height));
        // The paper's tracker; a grid denser than the reference's 16 so that crops keep enough points (docs/eval.md).
        Assert.Equal(("cotracker3-offline", 32), (options.Tracker.Name, options.Tracker.Grid));
        Assert.Equal("weights/scaled_offline.pth", options.Tracker.Weights);
        Assert.Equal(224, options.Trainer.ImageSize);
    }

    [Fact]
    public void Set_overrides_fields_with_json_or_bare_strings_and_creates_missing_sections()
    {
        var options = PipelineJson.Parse(Minimal, "test.json", ["tracker.name=cotracker3-online", "tracker.weights=w.pth", "tracker.grid=24", "trainer.epochs=2", "corpus.include=[\"a/*.mkv\"]", "decode.fps=12.5"]);
        Assert.Equal(("cotracker3-online", 24), (options.Tracker.Name, options.Tracker.Grid));
        Assert.Equal(2, options.Trainer.Epochs);
        Assert.Equal(["a/*.mkv"], options.Corpus.Include);
        Assert.Equal(12.5, options.Decode.Fps);
    }

    [Fact]
    public void Set_is_validated_like_the_file_and_names_what_is_wrong()
    {
        var unknown = Assert.Throws<OptionsException>(() => PipelineJson.Parse(Minimal, "test.json", ["trainer.epoch=2"]));
        Assert.Contains(unknown.Errors, e => e.Contains("trainer.epoch is not a known field", StringComparison.Ordinal) && e.Contains("epochs", StringComparison.Ordinal));
        var range = Assert.Throws<OptionsException>(() => PipelineJson.Parse(Minimal, "test.json", ["trainer.epochs=0"]));
        Assert.Contains(range.Errors, e => e.StartsWith("trainer.epochs", StringComparison.Ordinal));
        var shape = Assert.Throws<OptionsException>(() => PipelineJson.Parse(Minimal, "test.json", ["corpus.include.x=1", "nonsense"]));
        Assert.Equal(2, shape.Errors.Count);
        Assert.Contains("--set corpus.include.x=1: corpus.include holds a value ([\"videos/*.mp4\"])", shape.Errors[0]);
        Assert.Contains("--set nonsense: expected PATH=VALUE", shape.Errors[1]);
    }

    [Fact]
    public void Embedded_sample_is_the_file_in_pipelines()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Pipelines, "sample.json")), PipelineSource.EmbeddedSample());
        Assert.NotNull(PipelineSource.Load(null).Corpus.Synthetic);
    }

    [Fact]
    public void Defaults_fill_what_the_file_leaves_out()
    {
        var options = PipelineJson.Parse(Minimal, "test.json");
        Assert.Equal(12, options.Clips.FramesPerClip);
        Assert.Null(options.Decode.Fps);
        Assert.Equal("lk", options.Tracker.Name);
    }

    [Fact]
    public void Unknown_field_is_named_with_its_path_and_the_allowed_fields()
    {
        var error = Reject("""{ "corpus": { "include": ["a.mp4"] }, "decode": { "fsp": 12 } }""");
        var message = Assert.Single(error.Errors);
        Assert.Contains("decode.fsp is not a known field", message);
        Assert.Contains("fps", message);
        Assert.Contains("test.json", error.Message);
    }

    [Fact]
    public void Unknown_top_level_field_is_an_error()
    {
        var message = Assert.Single(Reject("""{ "corpus": { "include": ["a.mp4"] }, "trainr": {} }""").Errors);
        Assert.Contains("trainr is not a known field", message);
    }

    [Fact]
    public void Wrong_type_names_the_field_and_the_value()
    {
        var message = Assert.Single(Reject("""{ "corpus": { "include": ["a.mp4"] }, "decode": { "fps": "fast" } }""").Errors);
        Assert.Contains("decode.fps", message);
        Assert.Contains("\"fast\"", message);
    }

    [Fact]
    public void Bad_enum_value_names_the_field_and_the_value()
    {
        var message = Assert.Single(Reject("""{ "corpus": { "include": ["a.mp4"] }, "decode": { "resize": "squash" } }""").Errors);
        Assert.Contains("decode.resize", message);
        Assert.Contains("\"squash\"", message);
    }

    [Fact]
    public void Every_invalid_value_is_reported_at_once_with_path_and_value()
    {
        var error = Reject("""
            {
              "corpus": { "include": [] },
              "decode": { "fps": -3, "resize": "stretch", "width": 224 },
              "clips": { "framesPerClip": 1, "stride": 0 },
              "tracker": { "name": "raft", "grid": 0 },
              "trainer": { "imageSize": 225, "emaMomentum": 1.5 },
              "runtime": { "device": "tpu", "threads": { "decodeWorkers": 0 } }
            }
            """);
        string[] expected =
        [
            "corpus.include must list at least one glob pattern",
            "decode.fps must be in (0, 1000] or null, got -3",
            "decode.height is required when decode.resize is stretch",
            "clips.framesPerClip must be in 2..1024, got 1",
            "clips.stride must be in 1..1000, got 0",
            "tracker.name must be one of lk, cotracker3-offline, cotracker3-online, synthetic-truth, got \"raft\"",
            "tracker.grid must be in 1..256, got 0",
            "trainer.imageSize must be a multiple of 14 in 14..2048, got 225",
            "trainer.emaMomentum must be in [0, 1], got 1.5",
            "runtime.device must be one of auto, cpu, cuda, got \"tpu\"",
            "runtime.threads.decodeWorkers must be in 1..256, got 0",
        ];
        foreach (var text in expected) Assert.Contains(error.Errors, e => e.StartsWith(text, StringComparison.Ordinal));
        Assert.Equal(expected.Length, error.Errors.Count);
    }

    [Fact]
    public void Cotracker_without_weights_says_what_to_do()
    {
        var message = Assert.Single(Reject("""{ "corpus": { "include": ["a.mp4"] }, "tracker": { "name": "cotracker3-offline" } }""").Errors);
        Assert.StartsWith("tracker.weights is required", message);
        Assert.Contains("scaled_offline.pth", message);
    }

    [Fact]
    public void Malformed_json_gives_the_line()
    {
        var message = Assert.Single(Reject("{ \"corpus\": {\n \"include\": [\"a.mp4\" }\n}").Errors);
        Assert.Contains("not valid JSON (line 2", message);
    }

    [Fact]
    public void Null_for_a_required_object_is_an_error_naming_it()
    {
        var message = Assert.Single(Reject("""{ "corpus": null }""").Errors);
        Assert.Contains("corpus", message);
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var error = Assert.Throws<OptionsException>(() => PipelineJson.Load("/no/such/pipeline.json"));
        Assert.Contains("/no/such/pipeline.json", error.Message);
    }

    [Fact]
    public void Committed_schema_matches_the_options_records()
    {
        var path = Path.Combine(RepoPaths.Pipelines, "pipeline.schema.json");
        var expected = PipelineJson.ExportSchema();
        if (Environment.GetEnvironmentVariable("MOSIC_UPDATE_SCHEMA") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), "pipelines/pipeline.schema.json is missing: run the tests with MOSIC_UPDATE_SCHEMA=1");
        Assert.True(expected == File.ReadAllText(path),
            "pipelines/pipeline.schema.json is out of date: run the tests with MOSIC_UPDATE_SCHEMA=1 and commit it");
        Assert.Contains("\"additionalProperties\": false", expected);
        Assert.Contains("Output frame rate", expected);
    }

    [Fact]
    public void Trainer_objective_settings_are_checked_by_name()
    {
        var e = Reject("""{ "corpus": { "include": ["*.mp4"] }, "trainer": { "loss": "sideways", "targets": "fuzzy", "sampling": "cubic", "studentMaskRatio": 1 } }""");
        Assert.Contains("trainer.loss must be one of reference, propagated, symmetric, got \"sideways\"", e.Message);
        Assert.Contains("trainer.targets must be one of hard, soft, got \"fuzzy\"", e.Message);
        Assert.Contains("trainer.sampling must be one of nearest, bilinear, got \"cubic\"", e.Message);
        Assert.Contains("trainer.studentMaskRatio must be in [0, 1), got 1", e.Message);
    }
}
