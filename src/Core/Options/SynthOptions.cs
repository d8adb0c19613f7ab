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
    public int Videos { get; init; } = 8;

    /// <summary>Master seed; each video derives its own seed from it and its index.</summary>
    public int Seed { get; init; }

    /// <summary>Frames per video.</summary>
    public int Frames { get; init; } = 48;

    /// <summary>Frame width in pixels (even, for yuv420p).</summary>
    public int Width { get; init; } = 320;

    /// <summary>Frame height in pixels (even, for yuv420p).</summary>
    public int Height { get; init; } = 240;

    /// <summary>Frame rate written into the video.</summary>
    public int Fps { get; init; } = 24;

    /// <summary>Fewest objects in a video.</summary>
    public int MinObjects { get; init; } = 3;

    /// <summary>Most objects in a video; the count is drawn uniformly from [MinObjects, MaxObjects].</summary>
    public int MaxObjects { get; init; } = 5;

    /// <summary>Whether the camera translates over the background.</summary>
    public bool PanBackground { get; init; } = true;

    /// <summary>Ground-truth point tracks per video.</summary>
    public int TrackPoints { get; init; } = 256;

    /// <summary>libx264 constant rate factor.</summary>
    public int Crf { get; init; } = 18;

    /// <summary>Videos rendered at once. Does not change the output.</summary>
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
