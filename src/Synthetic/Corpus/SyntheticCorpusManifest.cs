using MoSiC.Stream.Core.Options;
namespace MoSiC.Stream.Synthetic;

/// <summary>Content of corpus.json: how the corpus was made and what it holds. Written last, so its presence means complete.</summary>
public sealed record SyntheticCorpusManifest
{
    /// <summary>Generator identity written by this version; a different one forces regeneration.</summary>
    public const string CurrentGenerator = "mosic-synth/1";

    public required string Generator { get; init; }

    /// <summary>Master seed (same as <c>Options.Seed</c>, repeated for readers that only want the seed).</summary>
    public required int Seed { get; init; }

    public required SynthOptions Options { get; init; }

    public required IReadOnlyList<SyntheticVideoEntry> Videos { get; init; }
}

/// <summary>One video of the corpus; file paths are relative to the corpus folder.</summary>
public sealed record SyntheticVideoEntry
{
    /// <summary>Video name, e.g. synth-0000.</summary>
    public required string Name { get; init; }

    /// <summary>The mp4, e.g. videos/synth-0000.mp4.</summary>
    public required string File { get; init; }

    /// <summary>Folder of per-frame palette PNG masks, e.g. Annotations/synth-0000.</summary>
    public required string Annotations { get; init; }

    /// <summary>Point tracks, e.g. tracks/synth-0000.json.</summary>
    public required string Tracks { get; init; }

    public required int Frames { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public required int Fps { get; init; }

    /// <summary>Number of objects; mask labels run 1..Objects.</summary>
    public required int Objects { get; init; }

    /// <summary>Seed this video was drawn from (derived from the master seed and the index).</summary>
    public required int Seed { get; init; }
}
