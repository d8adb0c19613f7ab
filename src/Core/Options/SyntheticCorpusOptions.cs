using System.ComponentModel;

namespace MoSiC.Stream.Core.Options;

/// <summary>A synthetic corpus generated before the run (see <c>mosic-stream synth</c>).</summary>
public sealed record SyntheticCorpusOptions
{
    [Description("Folder the corpus is written to (and read from when it is already complete).")]
    public string Out { get; init; } = ".mosic/synthetic";

    [Description("Number of videos.")]
    public int Videos { get; init; } = 8;

    [Description("Seed; the same seed gives the same corpus, byte for byte.")]
    public int Seed { get; init; } = 1;

    [Description("Frames per video.")]
    public int Frames { get; init; } = 48;

    [Description("Frame width in pixels (even).")]
    public int Width { get; init; } = 320;

    [Description("Frame height in pixels (even).")]
    public int Height { get; init; } = 240;

    [Description("Frame rate of the encoded videos.")]
    public double Fps { get; init; } = 24;

    internal void Validate(OptionErrors e, string path)
    {
        e.Require(!string.IsNullOrWhiteSpace(Out), OptionErrors.Join(path, "out"), "must not be empty");
        e.Require(Videos is > 0 and <= 100_000, OptionErrors.Join(path, "videos"), $"must be in 1..100000, got {Videos}");
        e.Require(Frames is >= 2 and <= 100_000, OptionErrors.Join(path, "frames"), $"must be in 2..100000, got {Frames}");
        e.Require(Width is >= 32 and <= 4096 && Width % 2 == 0, OptionErrors.Join(path, "width"), $"must be even and in 32..4096, got {Width}");
        e.Require(Height is >= 32 and <= 4096 && Height % 2 == 0, OptionErrors.Join(path, "height"), $"must be even and in 32..4096, got {Height}");
        e.Require(Fps > 0 && Fps <= 240, OptionErrors.Join(path, "fps"), $"must be in (0, 240], got {OptionErrors.Show(Fps)}");
    }
}
