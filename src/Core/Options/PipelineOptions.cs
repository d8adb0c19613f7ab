using System.ComponentModel;
using System.Text.Json.Serialization;

namespace MoSiC.Stream.Core.Options;

/// <summary>
/// One pipeline file: what to read, how to decode and cut it into clips, how to track, where to cache, how to train,
/// and how much of the machine to use. Bound from JSON (<see cref="PipelineJson"/>) and validated before any work.
/// </summary>
public sealed record PipelineOptions
{
    /// <summary>Editors' schema reference; ignored by the pipeline.</summary>
    [JsonPropertyName("$schema")]
    [Description("Path or URL of the JSON schema, for editors. Ignored by mosic-stream.")]
    public string? Schema { get; init; }

    [Description("A name for the pipeline, shown in reports.")]
    public string Name { get; init; } = "pipeline";

    [Description("Which videos to read.")]
    public CorpusOptions Corpus { get; init; } = new();

    [Description("How videos are decoded into RGB frames.")]
    public DecodeOptions Decode { get; init; } = new();

    [Description("How decoded videos are cut into clips.")]
    public ClipOptions Clips { get; init; } = new();

    [Description("Which point tracker follows the query grid through each clip.")]
    public TrackerOptions Tracker { get; init; } = new();

    [Description("Where tracked trajectories are cached.")]
    public CacheOptions Cache { get; init; } = new();

    [Description("The MoSiC trainer.")]
    public TrainerOptions Trainer { get; init; } = new();

    [Description("Device, threads and buffer sizes.")]
    public RuntimeOptions Runtime { get; init; } = new();

    /// <summary>Checks every field; throws <see cref="OptionsException"/> naming each bad one.</summary>
    public void Validate(string source)
    {
        var errors = new OptionErrors();
        errors.Require(!string.IsNullOrWhiteSpace(Name), "name", "must not be empty");
        Corpus.Validate(errors, "corpus");
        Decode.Validate(errors, "decode");
        Clips.Validate(errors, "clips");
        Tracker.Validate(errors, "tracker");
        Cache.Validate(errors, "cache");
        Trainer.Validate(errors, "trainer");
        Runtime.Validate(errors, "runtime");
        // Tracks read from the synthetic scene exist only for a corpus generated from its options.
        errors.Require(Tracker.Name != TrackerOptions.SyntheticTruth || Corpus.Synthetic is not null, "tracker.name",
            $"\"{TrackerOptions.SyntheticTruth}\" reads tracks from the synthetic scene: it needs corpus.synthetic (the options the corpus is generated from), got a corpus without it");
        errors.ThrowIfAny(source);
    }
}
