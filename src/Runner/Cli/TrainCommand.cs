using System.CommandLine;
using MoSiC.Stream.Graph.Plumbing;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream train</c>: MoSiC training from the trajectory cache.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train from cached trajectories only (decode still feeds pixels; the tracker is never started).");
        GraphCommand.Configure(command, RunMode.Train);
        return command.WithExamples(
            ("mosic-stream train -p pipelines/ytvos.json", "train from the cache that track filled (refused when shards are missing)"),
            ("mosic-stream train -p pipelines/ytvos.json --allow-partial", "train on the videos that have tracks, knowing some have none"));
    }
}
