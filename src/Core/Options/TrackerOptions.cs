using System.ComponentModel;

namespace MoSiC.Stream.Core.Options;

/// <summary>The point tracker and its query grid.</summary>
public sealed record TrackerOptions
{
    internal static readonly string[] Names = ["lk", "cotracker3-offline", "cotracker3-online", SyntheticTruth];

    /// <summary>The tracker that reads tracks from a synthetic corpus's scene instead of from pixels.</summary>
    public const string SyntheticTruth = "synthetic-truth";

    [Description("Tracker: lk (pyramidal Lucas-Kanade, CPU, no weights), cotracker3-offline, cotracker3-online, synthetic-truth (exact positions and occlusion of any query point, read from the synthetic scene; synthetic corpora only).")]
    public string Name { get; init; } = "lk";

    [Description("Query grid: grid × grid points on frame 0 (MoSiC: 16; a denser cache grid such as 32 lets training pick points after cropping).")]
    public int Grid { get; init; } = 16;

    [Description("Clips per tracker batch.")]
    public int BatchSize { get; init; } = 4;

    [Description("Weights file for learned trackers (CoTracker3 scaled_offline.pth / scaled_online.pth).")]
    public string? Weights { get; init; }

    [Description("Settings of the Lucas-Kanade tracker (name lk).")]
    public LucasKanadeOptions Lk { get; init; } = new();

    internal void Validate(OptionErrors e, string path)
    {
        e.Require(Array.IndexOf(Names, Name) >= 0, OptionErrors.Join(path, "name"), $"must be one of {string.Join(", ", Names)}, got \"{Name}\"");
        e.Require(Grid is >= 1 and <= 256, OptionErrors.Join(path, "grid"), $"must be in 1..256, got {Grid}");
        e.Require(BatchSize is >= 1 and <= 1024, OptionErrors.Join(path, "batchSize"), $"must be in 1..1024, got {BatchSize}");
        Lk.Validate(e, OptionErrors.Join(path, "lk"));
        if (Name.StartsWith("cotracker3", StringComparison.Ordinal))
            e.Require(!string.IsNullOrWhiteSpace(Weights), OptionErrors.Join(path, "weights"),
                $"is required for tracker \"{Name}\": point it at the official scaled_offline.pth / scaled_online.pth");
    }
}
