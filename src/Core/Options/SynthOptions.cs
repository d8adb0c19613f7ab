using System.ComponentModel;

namespace MoSiC.Stream.Core.Options;

/// <summary>
/// What the synthetic corpus contains. Immutable; call <see cref="Validate"/> (or
/// <see cref="ThrowIfInvalid"/>) before use — every error names the field and the bad value.
/// </summary>
public sealed record SynthOptions
{
    /// <summary>Largest accepted object count: the per-object textures and palette labels stay distinct.</summary>
    public const int ObjectLimit = 20;

    /// <summary>Number of videos (named synth-0000 …).</summary>
    [Description("Number of videos (named synth-0000 …).")]
    public int Videos { get; init; } = 8;

    /// <summary>Master seed; each video derives its own seed from it and its index.</summary>
    [Description("Master seed; each video derives its own seed from it and its index.")]
    public int Seed { get; init; }

    /// <summary>Frames per video.</summary>
    [Description("Frames per video.")]
    public int Frames { get; init; } = 48;

    /// <summary>Frame width in pixels (even, for yuv420p).</summary>
    [Description("Frame width in pixels (even, for yuv420p).")]
    public int Width { get; init; } = 320;

    /// <summary>Frame height in pixels (even, for yuv420p).</summary>
    [Description("Frame height in pixels (even, for yuv420p).")]
    public int Height { get; init; } = 240;

    /// <summary>Frame rate written into the video.</summary>
    [Description("Frame rate written into the video.")]
    public int Fps { get; init; } = 24;

    /// <summary>Fewest objects in a video.</summary>
    [Description("Fewest objects in a video.")]
    public int MinObjects { get; init; } = 3;

    /// <summary>Most objects in a video; the count is drawn uniformly from [MinObjects, MaxObjects].</summary>
    [Description("Most objects in a video; the count is drawn uniformly from [MinObjects, MaxObjects].")]
    public int MaxObjects { get; init; } = 5;

    /// <summary>Whether the camera translates over the background.</summary>
    [Description("Whether the camera translates over the background.")]
    public bool PanBackground { get; init; } = true;

    /// <summary>Ground-truth point tracks per video.</summary>
    [Description("Ground-truth point tracks per video.")]
    public int TrackPoints { get; init; } = 256;

    /// <summary>libx264 constant rate factor.</summary>
    [Description("libx264 constant rate factor.")]
    public int Crf { get; init; } = 18;

    /// <summary>Videos rendered at once. Does not change the output.</summary>
    [Description("Videos rendered at once. Does not change the output.")]
    public int Parallelism { get; init; } = 1;

    /// <summary>Every problem with these options, each naming the field and the value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Range(errors, "videos", Videos, 1, 9999);
        Range(errors, "frames", Frames, 2, 99999);
        Dimension(errors, "width", Width);
        Dimension(errors, "height", Height);
        Range(errors, "fps", Fps, 1, 240);
        Range(errors, "minObjects", MinObjects, 1, ObjectLimit);
        if (MaxObjects < MinObjects || MaxObjects > ObjectLimit)
        {
            errors.Add($"synth.maxObjects must be between synth.minObjects ({MinObjects}) and {ObjectLimit}, got {MaxObjects}");
        }

        Range(errors, "trackPoints", TrackPoints, 1, 100_000);
        Range(errors, "crf", Crf, 0, 51);
        Range(errors, "parallelism", Parallelism, 1, 64);
        return errors;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every error from <see cref="Validate"/>.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), "options");
        }
    }

    /// <summary>True when both option sets describe the same corpus (parallelism does not change the output).</summary>
    public bool DescribesSameCorpusAs(SynthOptions other) =>
        this with { Parallelism = 1 } == other with { Parallelism = 1 };

    private static void Range(List<string> errors, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"synth.{field} must be between {min} and {max}, got {value}");
        }
    }

    private static void Dimension(List<string> errors, string field, int value)
    {
        // yuv420p halves chroma in both directions, so odd sizes cannot be encoded.
        if (value < 32 || value % 2 != 0)
        {
            errors.Add($"synth.{field} must be even and >= 32, got {value}");
        }
        else if (value > 4096)
        {
            errors.Add($"synth.{field} must be at most 4096, got {value}");
        }
    }
}
