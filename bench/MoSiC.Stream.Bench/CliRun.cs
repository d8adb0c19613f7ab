using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MoSiC.Stream.Bench;

/// <summary>One stage's line of run.json: worker-seconds busy, starved (waiting for input) and blocked (waiting for room downstream).</summary>
internal sealed record RunStage(string Name, int Workers, long ItemsIn, long ItemsOut, double Busy, double Starved, double Blocked)
{
    public double Total => Busy + Starved + Blocked;

    public double Share(double part) => Total > 0 ? part / Total : double.NaN;
}

/// <summary>What one <c>mosic-stream</c> child process did, from outside (wall time, peak memory, when the first step was logged) and from its run.json.</summary>
internal sealed record CliResult(int ExitCode, double WallSeconds, double? FirstStepSeconds, long PeakBytes, double ElapsedSeconds,
    long ClipsTracked, long ClipsCached, long ClipsTrained, long Steps, IReadOnlyList<RunStage> Stages)
{
    /// <summary>Threads of the process at the end, and of them the thread pool's (run.json's process section).</summary>
    public int Threads { get; init; }

    public int ThreadPoolThreads { get; init; }

    public long ManagedHeapBytes { get; init; }

    public RunStage Stage(string name) => Stages.First(s => s.Name == name);
}

/// <summary>
/// Runs <c>mosic-stream MODE PIPELINE --report FILE</c> as a child process: stamps stdout lines as they arrive (to
/// find the first training step), polls <c>VmHWM</c> of /proc/PID/status (the kernel's peak resident set, which
/// only grows, so the last read before exit is the peak but for the last poll interval), and parses the report.
/// </summary>
internal static class CliRun
{
    public static string DefaultDll(string root) => Path.Combine(root, "src", "Runner", "bin", "Release", "net10.0", "linux-x64", "mosic-stream.dll");

    public static async Task<CliResult> RunAsync(string dll, string mode, string pipeline, string report, string workDir, TextWriter log, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { dll, mode, pipeline, "--report", report }) start.ArgumentList.Add(a);
        File.Delete(report);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        double? firstStep = null;
        long peakKb = 0;
        var stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                if (firstStep is null && line.StartsWith("step 1/", StringComparison.Ordinal)) firstStep = clock.Elapsed.TotalSeconds;
                await log.WriteLineAsync($"    [{clock.Elapsed.TotalSeconds,7:F2} s] {line}");
            }
        }, ct);
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(ct) is { } line) await log.WriteLineAsync($"    [stderr] {line}");
        }, ct);
        string status = $"/proc/{process.Id}/status";
        while (!process.HasExited)
        {
            peakKb = Math.Max(peakKb, ReadHwmKb(status));
            await Task.Delay(20, ct);
        }

        await process.WaitForExitAsync(ct);
        double wall = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(stdout, stderr);
        if (process.ExitCode != 0) throw new InvalidOperationException($"mosic-stream {mode} {pipeline} exited with {process.ExitCode}");
        return Parse(report, process.ExitCode, wall, firstStep, peakKb * 1024);
    }

    private static long ReadHwmKb(string status)
    {
        try
        {
            foreach (string line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // The process exited between the check and the read.
        }

        return 0;
    }

    private static CliResult Parse(string report, int exitCode, double wall, double? firstStep, long peakBytes)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(report));
        JsonElement r = doc.RootElement, counts = r.GetProperty("counts");
        var stages = r.GetProperty("stages").EnumerateArray().Select(s => new RunStage(
            s.GetProperty("name").GetString()!, s.GetProperty("workers").GetInt32(), s.GetProperty("itemsIn").GetInt64(), s.GetProperty("itemsOut").GetInt64(),
            s.GetProperty("busySeconds").GetDouble(), s.GetProperty("starvedSeconds").GetDouble(), s.GetProperty("blockedSeconds").GetDouble())).ToArray();
        JsonElement process = r.GetProperty("process");
        return new CliResult(exitCode, wall, firstStep, peakBytes, r.GetProperty("elapsedSeconds").GetDouble(),
            counts.GetProperty("clipsTracked").GetInt64(), counts.GetProperty("clipsCached").GetInt64(), counts.GetProperty("clipsTrained").GetInt64(),
            counts.GetProperty("steps").GetInt64(), stages)
        {
            Threads = process.GetProperty("threads").GetInt32(),
            ThreadPoolThreads = process.GetProperty("threadPoolThreads").GetInt32(),
            ManagedHeapBytes = process.GetProperty("managedHeapBytes").GetInt64(),
        };
    }
}
