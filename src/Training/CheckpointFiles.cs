using System.Globalization;
using System.Text.RegularExpressions;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Model.Train.Persist;

namespace MoSiC.Stream.Training;

/// <summary>
/// Names in the checkpoint folder: one training checkpoint per finished epoch, one per interruption (mid-epoch), the
/// log and its plot, the exported student.
/// </summary>
public static partial class CheckpointFiles
{
    public static string ForEpoch(string dir, int epoch) => Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch:D4}.ckpt.safetensors"));

    public static string ForStep(string dir, long step) => Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"step-{step:D8}.ckpt.safetensors"));

    public static string Log(string dir) => Path.Combine(dir, "train-log.csv");

    public static string LossPlot(string dir) => Path.Combine(dir, Training.LossPlot.FileName);

    /// <summary>One line (<c>step,utc</c>) per run that resumed from a checkpoint: the loss plot marks each.</summary>
    public static string Resumes(string dir) => Path.Combine(dir, "train-resumes.csv");

    public static string Backbone(string dir, string extension) => Path.Combine(dir, "student-backbone" + extension);

    /// <summary>
    /// Deletes the temporary files of checkpoint writes whose process is gone (a killed run leaves a whole checkpoint's
    /// bytes under <see cref="AtomicFile"/>'s temporary name, <c>.NAME.tmp-PID-RANDOM</c>) and returns how many; a live
    /// writer's file is left alone.
    /// </summary>
    public static int RemoveAbandonedWrites(string dir)
    {
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(dir, "*.ckpt.safetensors" + AtomicFile.TempMarker + "*"))
        {
            string name = Path.GetFileName(file);
            // Before the one atomic writer, checkpoints were written under the same name unhidden (NAME.tmp-PID-GUID);
            // a run killed then left one of those.
            if (!AtomicFile.TryParseTempName(name.StartsWith('.') ? name : "." + name, out string target, out int pid)
                || !target.EndsWith(".ckpt.safetensors", StringComparison.Ordinal) || WriterAlive(pid)) continue;
            File.Delete(file);
            removed++;
        }

        return removed;
    }

    private static bool WriterAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The mid-epoch (interruption or periodic) checkpoints in <paramref name="dir"/>.</summary>
    public static IEnumerable<string> StepFiles(string dir) =>
        Directory.EnumerateFiles(dir, "step-*.ckpt.safetensors").Where(f => CheckpointName().IsMatch(Path.GetFileName(f)));

    /// <summary>The checkpoint furthest along (most steps; an epoch's over an interruption's at the same step), or null when there is none.</summary>
    public static string? Latest(string dir) =>
        !Directory.Exists(dir) ? null
            : Directory.EnumerateFiles(dir, "*.ckpt.safetensors")
                .Where(f => CheckpointName().IsMatch(Path.GetFileName(f)))
                .Select(f => (File: f, Position: TrainCheckpoint.ReadPosition(f)))
                .OrderBy(c => c.Position.Step).ThenBy(c => c.Position.Epoch).ThenBy(c => Path.GetFileName(c.File).StartsWith("epoch-", StringComparison.Ordinal))
                .Select(c => c.File).LastOrDefault();

    [GeneratedRegex(@"^(epoch-\d{4}|step-\d{8})\.ckpt\.safetensors$")]
    private static partial Regex CheckpointName();
}
