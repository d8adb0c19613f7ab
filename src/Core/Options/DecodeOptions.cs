using System.ComponentModel;
using System.Text.Json.Serialization;

namespace MoSiC.Stream.Core.Options;

/// <summary>How a decoded frame is sized.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResizeMode>))]
public enum ResizeMode
{
    /// <summary>Keep the stored size (after rotation).</summary>
    [JsonStringEnumMemberName("none")] None,
    /// <summary>Exactly width × height, aspect ignored (what MoSiC's training transform does).</summary>
    [JsonStringEnumMemberName("stretch")] Stretch,
    /// <summary>Scale so the shorter side equals <c>shortSide</c>, keeping the aspect ratio.</summary>
    [JsonStringEnumMemberName("short-side")] ShortSide,
    /// <summary>Largest size that fits inside width × height, keeping the aspect ratio.</summary>
    [JsonStringEnumMemberName("fit")] Fit,
}

/// <summary>How videos become RGB24 frames (ffmpeg does the work).</summary>
public sealed record DecodeOptions
{
    [Description("Output frame rate; frames are picked by timestamp, so variable-frame-rate input is handled. null keeps every decoded frame with its own timestamp.")]
    public double? Fps { get; init; }

    [Description("Size policy: none, stretch (width × height, aspect ignored), short-side, fit.")]
    public ResizeMode Resize { get; init; } = ResizeMode.None;

    [Description("Target width for stretch and fit.")]
    public int? Width { get; init; }

    [Description("Target height for stretch and fit.")]
    public int? Height { get; init; }

    [Description("Target short side for short-side.")]
    public int? ShortSide { get; init; }

    [Description("ffmpeg scaler: bicubic, bilinear, area, lanczos (all antialias when shrinking).")]
    public string Scaler { get; init; } = "bicubic";

    [Description("Largest source frame accepted, in pixels (width × height); larger videos are refused with a failure record. Default 3840 × 2160.")]
    public long MaxPixels { get; init; } = 3840L * 2160;

    [Description("A video whose ffmpeg produces no frame for this many seconds is killed and recorded as failed.")]
    public double StallTimeoutSeconds { get; init; } = 60;

    [Description("Longest one video may take to decode, in seconds, however steadily frames arrive (0 = no limit); past it ffmpeg is killed and the video becomes a failure record.")]
    public double TimeoutSeconds { get; init; } = 1800;

    internal static readonly string[] Scalers = ["bicubic", "bilinear", "area", "lanczos", "neighbor"];

    internal void Validate(OptionErrors e, string path)
    {
        if (Fps is { } fps)
            e.Require(fps > 0 && fps <= 1000, OptionErrors.Join(path, "fps"), $"must be in (0, 1000] or null, got {OptionErrors.Show(fps)}");
        switch (Resize)
        {
            case ResizeMode.Stretch or ResizeMode.Fit:
                RequireSize(e, OptionErrors.Join(path, "width"), Width, $"is required when decode.resize is {Name(Resize)}");
                RequireSize(e, OptionErrors.Join(path, "height"), Height, $"is required when decode.resize is {Name(Resize)}");
                break;
            case ResizeMode.ShortSide:
                RequireSize(e, OptionErrors.Join(path, "shortSide"), ShortSide, "is required when decode.resize is short-side");
                break;
        }
        e.Require(Array.IndexOf(Scalers, Scaler) >= 0, OptionErrors.Join(path, "scaler"),
            $"must be one of {string.Join(", ", Scalers)}, got \"{Scaler}\"");
        e.Require(MaxPixels >= 64 * 64, OptionErrors.Join(path, "maxPixels"), $"must be >= 4096, got {MaxPixels}");
        e.Require(TimeoutSeconds == 0 || TimeoutSeconds is >= 0.01 and <= 86_400, OptionErrors.Join(path, "timeoutSeconds"), $"must be 0 (no limit) or in [0.01, 86400], got {OptionErrors.Show(TimeoutSeconds)}");
        e.Require(StallTimeoutSeconds > 0, OptionErrors.Join(path, "stallTimeoutSeconds"),
            $"must be > 0, got {OptionErrors.Show(StallTimeoutSeconds)}");
    }

    private static void RequireSize(OptionErrors e, string path, int? value, string whenMissing)
    {
        if (value is not { } v) e.Add(path, whenMissing);
        else e.Require(v is >= 2 and <= 8192, path, $"must be in 2..8192, got {v}");
    }

    internal static string Name(ResizeMode mode) => mode switch
    {
        ResizeMode.Stretch => "stretch", ResizeMode.Fit => "fit", ResizeMode.ShortSide => "short-side", _ => "none",
    };
}
