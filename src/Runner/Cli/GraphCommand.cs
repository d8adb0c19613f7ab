using System.CommandLine;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Runner.Run;

namespace MoSiC.Stream.Runner.Cli;

/// <summary>The arguments <c>run</c>, <c>track</c>, <c>train</c> and <c>profile</c> share, and how they become a <see cref="RunRequest"/>.</summary>
internal static class GraphCommand
{
    public static void Configure(Command command, RunMode? mode)
    {
        var pipeline = new Argument<string?>("pipeline")
        {
            Description = "Pipeline file (default: the embedded pipelines/sample.json: a synthetic corpus that runs anywhere).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var shard = new Option<string?>("--shard") { Description = "Take only shard i of n (i/n, 0-based) of the corpus, by content hash: run n processes (a Kubernetes Indexed Job, a Slurm array) over shared storage, one per shard." };
        var report = new Option<string?>("--report", "--summary") { Description = "Write run.json here (default: the checkpoint folder when training, and .mosic/runs/)." };
        var profile = new Option<string?>("--profile")
        {
            Description = mode is null
                ? "Folder for the profile (default: a new folder per run, .mosic/profiles/PIPELINE-MODE-TIME-PID/)."
                : "Write a throughput profile into this folder: profile.json, timeline.png and timeline.html, naming the bottleneck stage.",
        };
        var modeOption = new Option<RunMode>("--mode") { Description = "With profile: which graph to profile (run, track, train).", DefaultValueFactory = _ => RunMode.Run };
        var allowPartial = new Option<bool>("--allow-partial") { Description = "Train even when some videos of the corpus have no tracks in the cache (a track shard missing); without it such a train run is refused, naming how many." };
        command.Arguments.Add(pipeline);
        if (mode is RunMode.Train or null) command.Options.Add(allowPartial);
        command.Options.Add(shard);
        command.Options.Add(report);
        command.Options.Add(profile);
        if (mode is null) command.Options.Add(modeOption);
        command.SetAction((result, ct) =>
        {
            ShardSpec spec;
            try
            {
                spec = result.GetValue(shard) is { } text ? ShardSpec.Parse(text) : ShardSpec.All;
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(1);
            }

            var request = new RunRequest(mode ?? result.GetValue(modeOption), result.GetValue(pipeline), spec, result.GetValue(report), result.GetValue(profile),
                ProfileByDefault: mode is null, AllowPartial: result.GetValue(allowPartial));
            return PipelineRun.RunAsync(request, ct);
        });
    }
}
