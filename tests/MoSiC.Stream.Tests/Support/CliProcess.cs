using System.Diagnostics;

namespace MoSiC.Stream.Tests.Support;

/// <summary>Runs the built mosic-stream CLI as a child process, as a user would, in a given working folder.</summary>
internal static class CliProcess
{
    public static (int Code, string Out, string Err) Run(string workingDirectory, params string[] args) =>
        Run(workingDirectory, new Dictionary<string, string>(), TimeSpan.FromMinutes(3), args);

    /// <summary>
    /// The same with extra environment variables (e.g. <c>DOTNET_GCHeapHardLimit</c> to cap its memory) and a time
    /// limit; a run past the limit is killed and fails the test.
    /// </summary>
    public static (int Code, string Out, string Err) Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan limit, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mosic-stream.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"mosic-stream {string.Join(' ', args)} did not finish in {limit.TotalSeconds:0} s: {stdout.Result}{stderr.Result}");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
