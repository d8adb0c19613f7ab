using System.CommandLine;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Runner.Run;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>The arguments <c>run</c>, <c>track</c>, <c>train</c> and <c>profile</c> share, and how they become a <see cref="RunRequest"/>.</summary>
internal static class GraphCommand
{
    private static readonly string[] Modes = ["run", "track", "train"];

    public static void Configure(Command command, RunMode? mode)
    {
        PipelineInput pipeline = PipelineInput.WithPositional(command);
        var shard = new Option<string?>("--shard") { Description = "Take only shard i of n (i/n, 0-based) of the corpus, by content hash: run n processes (a Kubernetes Indexed Job, a Slurm array) over shared storage, one per shard.", HelpName = "i/n" };
        shard.Validators.Add(result =>
        {
            try
            {
                if (result.GetValueOrDefault<string?>() is { } text) ShardSpec.Parse(text);
            }
            catch (FormatException e)
            {
                result.AddError(e.Message);
            }
        });
        var report = new Option<string?>("--report", "--summary") { Description = "Write run.json here (default: the checkpoint folder when training, and .mosic/runs/RUN.json).", HelpName = "FILE" };
        var profile = new Option<string?>("--profile")
        {
            Description = mode is null
                ? "Folder for the profile (default: a new folder per run, .mosic/profiles/PIPELINE-MODE-TIME-PID/)."
                : "Write a throughput profile into this folder: profile.json, timeline.png and timeline.html, naming the bottleneck stage.",
            HelpName = "DIR",
        };
        var modeOption = new Option<string>("--mode") { Description = "Which graph to profile.", DefaultValueFactory = _ => "run" };
        modeOption.AcceptOnlyFromAmong(Modes);
        var allowPartial = new Option<bool>("--allow-partial") { Description = "Train even when some videos of the corpus have no tracks in the cache (a track shard missing); without it such a train run is refused, naming how many." };
        var json = new Option<bool>("--json") { Description = "Print the run summary (run.json's content) as JSON on stdout; everything for people goes to stderr." };
        command.Options.Add(shard);
        command.Options.Add(json);
        command.Options.Add(report);
        command.Options.Add(profile);
        if (mode is RunMode.Train or null) command.Options.Add(allowPartial);
        if (mode is null) command.Options.Add(modeOption);
        command.SetAction((result, ct) =>
        {
            ShardSpec spec = result.GetValue(shard) is { } text ? ShardSpec.Parse(text) : ShardSpec.All;
            Output.CliOutput.Json = result.GetValue(json);
            RunMode chosen = mode ?? Enum.Parse<RunMode>(result.GetValue(modeOption)!, ignoreCase: true);
            var request = new RunRequest(chosen, pipeline.Resolve(result), spec, result.GetValue(report), result.GetValue(profile),
                ProfileByDefault: mode is null, AllowPartial: result.GetValue(allowPartial));
            return PipelineRun.RunAsync(request, ct);
        });
    }
}
