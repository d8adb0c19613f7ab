namespace MoSiC.Stream.Runner.TrackTools;

/// <summary>Where <c>--viz</c> overlays go: one .mp4 for one sequence, or a folder with one mp4 per sequence.</summary>
internal static class VizTargets
{
    /// <summary>A message when <paramref name="viz"/> cannot hold <paramref name="sequences"/> overlays, else null.</summary>
    public static string? Check(string? viz, int sequences) =>
        viz is not null && IsFile(viz) && sequences > 1
            ? $"--viz {viz}: {sequences} sequences would share one file; pass a folder to get one mp4 per sequence"
            : null;

    public static string? PathFor(string? viz, string sequence, int sequences) =>
        viz is null ? null
        : IsFile(viz) && sequences <= 1 ? viz
        : Path.Combine(viz, sequence + ".mp4");

    private static bool IsFile(string viz) => viz.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase);
}
