using System.Diagnostics;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Build;

/// <summary>
/// The Dockerfile's stand-in where no container engine runs (CI): <c>scripts/check-publish.sh</c> publishes the CLI as
/// the image's build stage does, moves the output into an empty folder and runs <c>--help</c>, <c>synth</c>,
/// <c>track</c>, <c>cache ls --expect-corpus</c> and <c>train</c> with it from another empty folder.
/// </summary>
public sealed class PublishTests
{
    [Fact]
    [Trait(TestSpeed.Trait, TestSpeed.Heavy)]
    public async Task The_published_cli_runs_from_an_empty_folder()
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "check-publish.sh"));
        // Under scripts/test.sh the Release build is already there: publish it rather than build it again beside
        // other tests that build (a second build of the same projects at once races on obj/).
        if (typeof(PublishTests).Assembly.Location.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}"))
            info.ArgumentList.Add("--no-build");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderrRead = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try { await process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("check-publish.sh did not finish in 20 minutes:\n" + await stderrRead);
        }
        string stderr = await stderrRead;
        Assert.True(process.ExitCode == 0, $"check-publish.sh exited {process.ExitCode}:\n{stderr}\n{await stdout}");
        Assert.Contains("ok: the published CLI runs from an empty folder", stderr);
    }
}
