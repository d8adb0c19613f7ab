using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Runner.Output;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// <c>mosic-stream run | track | train</c> in three phases: <see cref="RunPreparation"/> (check everything before any
/// work, plan the corpus, start the trainer), <see cref="RunExecution"/> (the graph with progress and Ctrl-C handling)
/// and <see cref="RunReporting"/> (summary, profile, run.json, exit code).
/// </summary>
internal static class PipelineRun
{
    public static async Task<int> RunAsync(RunRequest request, CancellationToken ct)
    {
        var log = new RunLog();
        RunPreparation.Checked run;
        try
        {
            run = RunPreparation.Check(request);
        }
        catch (RunSetupException e)
        {
            return Fail(e.Message);
        }

        request = run.Request;
        // Held to the last write (run.json goes into the checkpoint folder): two runs must never train into one folder.
        CheckpointFolderLock? folderLock;
        try
        {
            folderLock = request.Mode == RunMode.Track ? null : CheckpointFolderLock.Take(run.Options.Trainer.CheckpointDir, TimeProvider.System);
        }
        catch (RunSetupException e)
        {
            return Fail(e.Message);
        }

        using var held = folderLock;
        log.Write($"pipeline {run.Options.Name} ({run.Source}): {request.Mode.ToString().ToLowerInvariant()}{(request.Shard.Count > 1 ? $", shard {request.Shard}" : "")}; tracker {run.Identity.Key}");
        using var interrupts = new Interrupts(log.Write);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct, interrupts.Abort.Token);
        PreparedRun prepared;
        try
        {
            prepared = await RunPreparation.PlanAsync(run, log, abort.Token).ConfigureAwait(false);
        }
        catch (RunSetupException e)
        {
            return Fail(e.Message);
        }

        using (prepared)
        {
            if (prepared.NothingToDo)
            {
                if (CliOutput.Json)
                    Console.Out.WriteLine(RunReport.Serialize(new { pipeline = run.Options.Name, source = run.Source, mode = request.Mode.ToString().ToLowerInvariant(), nothingToDo = true, steps = prepared.Session!.Position.Step, exitCode = ExitCodes.Ok }));
                log.Result($"nothing to do: training is finished ({prepared.Session!.Position.Step} steps, checkpoints in {run.Options.Trainer.CheckpointDir}) " +
                    $"and every clip of the {prepared.Plan.Videos.Count} videos is cached; add videos or raise trainer.epochs (with a new trainer.checkpointDir) to do more");
                return ExitCodes.Ok;
            }

            ExecutedRun executed = await RunExecution.ExecuteAsync(prepared, interrupts, log, abort.Token).ConfigureAwait(false);
            return await RunReporting.ReportAsync(prepared, executed, interrupts, log).ConfigureAwait(false);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return ExitCodes.Failed;
    }
}
