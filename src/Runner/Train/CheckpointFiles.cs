using System.Globalization;
using System.Text.RegularExpressions;

namespace MoSiC.Stream.Runner.Train;

/// <summary>Names in the checkpoint folder: one training checkpoint per finished epoch, the log and its plot, the exported student.</summary>
internal static partial class CheckpointFiles
{
    public static string ForEpoch(string dir, int epoch) => Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch:D4}.ckpt.safetensors"));

    public static string Log(string dir) => Path.Combine(dir, "train-log.csv");

    public static string LossPlot(string dir) => Path.Combine(dir, Train.LossPlot.FileName);

    public static string Backbone(string dir, string extension) => Path.Combine(dir, "student-backbone" + extension);

    /// <summary>The checkpoint of the highest epoch, or null when there is none.</summary>
    public static string? Latest(string dir) =>
        !Directory.Exists(dir) ? null
            : Directory.EnumerateFiles(dir, "epoch-*.ckpt.safetensors")
                .Where(f => EpochName().IsMatch(Path.GetFileName(f)))
                .OrderBy(f => f, StringComparer.Ordinal).LastOrDefault();

    [GeneratedRegex(@"^epoch-\d{4}\.ckpt\.safetensors$")]
    private static partial Regex EpochName();
}
