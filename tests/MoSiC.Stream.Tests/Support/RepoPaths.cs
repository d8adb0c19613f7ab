namespace MoSiC.Stream.Tests.Support;

/// <summary>Where the repository and the shared test data are, found from the test binary's location.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared real clips (<c>../shared/data/real</c>); tests that need them skip when absent.</summary>
    public static string RealData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "real"));

    /// <summary>The golden parity fixtures (<c>../shared/data/golden</c>); tests that need them skip when absent.</summary>
    public static string Golden => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "golden"));

    public static string Pipelines => Path.Combine(Root, "pipelines");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MoSiC.Stream.sln"))) return dir.FullName;
        throw new InvalidOperationException("MoSiC.Stream.sln not found above " + AppContext.BaseDirectory);
    }
}
