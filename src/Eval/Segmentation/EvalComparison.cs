using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>
/// <c>eval --compare A B</c>: two eval.json files (e.g. two backbones on the same clips) side by side, per clip and
/// overall, with B − A. Clips are paired by name; a clip in only one report is listed with a blank for the other.
/// </summary>
public static class EvalComparison
{
    public static VideoSegmentationReport Load(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, "eval.json") : path;
        return JsonSerializer.Deserialize<VideoSegmentationReport>(File.ReadAllText(file), VideoSegmentationEval.Json)
            ?? throw new InvalidDataException($"{file} is empty.");
    }

    /// <summary>The comparison table (mIoU in %).</summary>
    public static string Table(VideoSegmentationReport a, VideoSegmentationReport b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"A: {a.Backbone} ({a.Scope}, K {a.Clusters}, {a.MaxFrames} frames / stride {a.FrameStride})");
        sb.AppendLine(inv, $"B: {b.Backbone} ({b.Scope}, K {b.Clusters}, {b.MaxFrames} frames / stride {b.FrameStride})");
        if (a.Scope != b.Scope || a.Clusters != b.Clusters || a.MaxFrames != b.MaxFrames || a.FrameStride != b.FrameStride || a.ImageSize != b.ImageSize)
            sb.AppendLine("warning: the two runs used different settings");
        sb.AppendLine(inv, $"{"clip",-32} {"A",8} {"B",8} {"B-A",8}");
        var byName = b.Clips.ToDictionary(c => c.Clip, StringComparer.Ordinal);
        foreach (var ca in a.Clips)
        {
            byName.Remove(ca.Clip, out var cb);
            sb.AppendLine(Row(ca.Clip, ca.ClipMiou, cb?.ClipMiou));
        }
        foreach (var cb in byName.Values) sb.AppendLine(Row(cb.Clip, null, cb.ClipMiou));
        sb.AppendLine(Row("mean over clips", a.MeanClipMiou, b.MeanClipMiou));
        if (a.DatasetMiou is not null || b.DatasetMiou is not null) sb.AppendLine(Row("dataset (one matching)", a.DatasetMiou, b.DatasetMiou));
        return sb.ToString();
    }

    private static string Row(string name, double? a, double? b)
    {
        static string F(double? v) => v is { } x ? (100 * x).ToString("F2", CultureInfo.InvariantCulture) : "";
        return string.Create(CultureInfo.InvariantCulture, $"{name,-32} {F(a),8} {F(b),8} {(a is { } x && b is { } y ? F(y - x) : ""),8}");
    }
}
