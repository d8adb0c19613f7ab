using System.Globalization;

namespace MoSiC.Stream.Bench;

/// <summary>What the benchmarks share: where the repository is, and the median of a run's rounds.</summary>
internal static class BenchSupport
{
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MoSiC.Stream.sln"))) return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>CPU seconds this process has used (all threads, user and system).</summary>
    public static double CpuSeconds()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Folds "--name value" pairs into <paramref name="options"/> with <paramref name="apply"/>, which throws on an unknown name.</summary>
    public static T ParseOptions<T>(string[] args, T options, Func<T, string, string, T> apply)
    {
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value");
            options = apply(options, args[i], args[i + 1]);
        }

        return options;
    }

    public static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    /// <summary>Parses a benchmark's options; on a bad command line prints the reason and the usage, and returns false (exit code 2).</summary>
    public static bool TryParse<T>(string bench, string usage, Func<T> parse, out T options)
    {
        try
        {
            options = parse();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"mosic-bench {bench}: {e.Message}");
            Console.Error.WriteLine(usage);
            options = default!;
            return false;
        }
    }
}
