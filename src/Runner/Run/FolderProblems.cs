using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Plumbing;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Training;

namespace MoSiC.Stream.Runner.Run;

/// <summary>
/// Checks, before any work, what a run will write: the cache folder, the profile folder and the report file, and when
/// it trains the checkpoint folder and the checkpoint it would resume from. Each problem names the field and the fix, so a run never decodes for an
/// hour to fail at its first write.
/// </summary>
internal static class FolderProblems
{
    public static string? Find(PipelineOptions options, RunRequest request)
    {
        if (OutputPaths.FolderProblem(options.Cache.Dir) is { } cache) return $"cache.dir \"{options.Cache.Dir}\" {cache}; point cache.dir at a folder this user can write";
        if (request.ProfileDir is { } profile && OutputPaths.FolderProblem(profile) is { } p) return $"--profile \"{profile}\" {p}; name a folder (profile.json, timeline.png and timeline.html go in it)";
        if (request.ReportPath is { } report && OutputPaths.FileProblem(report) is { } r) return $"--report \"{report}\" {r}; name the file run.json should be written to";
        if (request.Mode == RunMode.Track) return null;
        TrainerOptions t = options.Trainer;
        if (OutputPaths.FolderProblem(t.CheckpointDir) is { } checkpoints) return $"trainer.checkpointDir \"{t.CheckpointDir}\" {checkpoints}; point it at a folder this user can write";
        try
        {
            if (CheckpointFiles.Latest(t.CheckpointDir) is not { } latest) return null;
            string model = Model.Checkpoints.SafetensorsReader.ReadMetadata(latest).GetValueOrDefault("model") ?? "?";
            string wanted = VitConfig.FromName(t.Model).Name;
            return model == wanted ? null
                : $"trainer.checkpointDir \"{t.CheckpointDir}\" holds a checkpoint of model {model} ({Path.GetFileName(latest)}), but trainer.model is {t.Model}: " +
                  $"set trainer.model back, or point trainer.checkpointDir at a new folder to start over";
        }
        catch (Exception e) when (e is InvalidDataException or IOException or KeyNotFoundException or FormatException or UnauthorizedAccessException)
        {
            return $"trainer.checkpointDir \"{t.CheckpointDir}\" holds a file that is not a readable training checkpoint ({e.Message}); move it away";
        }
    }
}
