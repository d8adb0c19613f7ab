using System.Diagnostics;

namespace MoSiC.Stream.Tests.Support;

/// <summary>Runs the built mosic-stream CLI as a child process, as a user would, in a given working folder.</summary>
internal static class CliProcess
{
    public static (int Code, string Out, string Err) Run(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mosic-stream.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "mosic-stream did not finish in 3 minutes");
        return (process.ExitCode, stdout, stderr.Result);
    }
}
