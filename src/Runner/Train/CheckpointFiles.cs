using System.Globalization;
using System.Text.RegularExpressions;
using MoSiC.Stream.Model.Train.Persist;

namespace MoSiC.Stream.Runner.Train;

/// <summary>
/// Names in the checkpoint folder: one training checkpoint per finished epoch, one per interruption (mid-epoch), the
/// log and its plot, the exported student.
/// </summary>
internal static partial class CheckpointFiles
{
    public static string ForEpoch(string dir, int epoch) => Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch:D4}.ckpt.safetensors"));

    public static string ForStep(string dir, long step) => Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"step-{step:D8}.ckpt.safetensors"));

    public static string Log(string dir) => Path.Combine(dir, "train-log.csv");

    public static string LossPlot(string dir) => Path.Combine(dir, Train.LossPlot.FileName);

    public static string Backbone(string dir, string extension) => Path.Combine(dir, "student-backbone" + extension);

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
