using System.CommandLine;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream profile [pipeline]</c>: a run with the throughput profile on (written to a new folder per run, .mosic/profiles/RUN/, unless --profile names one).</summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var command = new Command("profile", "Run a pipeline (--mode run, track or train) with per-stage throughput profiling and write profile.json and a timeline picture naming the bottleneck stage.");
        GraphCommand.Configure(command, null);
        return command.WithExamples(
            ("mosic-stream profile -p pipelines/ytvos.json --mode track", "profile tracking only; writes .mosic/profiles/RUN/{profile.json,timeline.png,timeline.html}"),
            ("mosic-stream profile --profile prof/", "the sample pipeline, profile into prof/"));
    }
}
