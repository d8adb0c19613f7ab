using System.CommandLine;
using MoSiC.Stream.Runner.Train;

namespace MoSiC.Stream.Runner.Cli;

/// <summary><c>mosic-stream train</c>: MoSiC training from the trajectory cache.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var pipeline = new Argument<string?>("pipeline")
        {
            Description = "Pipeline file (default: the embedded pipelines/sample.json).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("train", "Train from cached trajectories only (decode still feeds pixels; the tracker is never started).")
        {
            pipeline,
        };
        command.SetAction((result, ct) => TrainCorpusRun.RunAsync(result.GetValue(pipeline), ct));
        return command;
    }
}
