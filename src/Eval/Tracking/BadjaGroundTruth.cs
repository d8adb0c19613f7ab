using System.Text.Json;
using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Eval.Tracking;

/// <summary>
/// Reads BADJA joint annotations (Biggs et al., ACCV 2018; <c>joint_annotations/SEQ.json</c>) for a DAVIS
/// frame folder. BADJA stores <c>joints[j] = [row, col]</c> in DAVIS Full-Resolution pixels (1920×1080) on
/// about every 5th frame; positions are mapped to the folder's frames by pixel-centre scaling, and only
/// annotated frames count as ground truth (frames between them are unknown, not occluded).
/// </summary>
public static class BadjaGroundTruth
{
    /// <summary>The file name BADJA uses next to the frames in our data layout.</summary>
    public const string FileName = "badja_joints_raw.json";

    private const int FullWidth = 1920, FullHeight = 1080;

    // The SMAL joints BADJA actually annotates, with BADJA's names for them.
    private static readonly (int Id, string Name)[] Joints =
    [
        (8, "upper_right_1"), (9, "upper_right_2"), (10, "upper_right_3"),
        (12, "upper_left_1"), (13, "upper_left_2"), (14, "upper_left_3"), (15, "neck_lower"),
        (18, "lower_right_1"), (19, "lower_right_2"), (20, "lower_right_3"),
        (22, "lower_left_1"), (23, "lower_left_2"), (24, "lower_left_3"),
        (25, "tail_0"), (28, "tail_3"), (31, "tail_6"), (32, "jaw"), (33, "nose"), (35, "right_ear"), (36, "left_ear"),
    ];

    /// <summary>
    /// Reads <paramref name="jsonPath"/> for the frames of <paramref name="frames"/> (a frame folder whose file
    /// names match BADJA's image names), decoded at <paramref name="width"/> × <paramref name="height"/>.
    /// </summary>
    public static TrackingGroundTruth Read(string jsonPath, VideoSource frames, int width, int height, string? name = null)
    {
        if (frames.Kind != VideoSourceKind.FrameFolder)
            throw new InvalidDataException($"{jsonPath}: BADJA annotations refer to DAVIS frame files; {frames.Path} is not a frame folder");

        var frameOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int t = 0; t < frames.FrameFiles.Count; t++)
        {
            frameOf[Path.GetFileNameWithoutExtension(frames.FrameFiles[t])] = t;
        }

        int count = frames.FrameFiles.Count;
        var points = new float[Joints.Length * count * 2];
        Array.Fill(points, float.NaN);
        var occluded = new bool[Joints.Length * count];
        var annotated = new bool[Joints.Length * count];

        using JsonDocument doc = ParseFile(jsonPath);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{jsonPath}: expected a JSON array of annotated frames");

        int entry = 0;
        foreach (JsonElement frame in doc.RootElement.EnumerateArray())
        {
            string where = $"{jsonPath}: entry {entry++}";
            string image = StringField(frame, "image_path", where);
            string stem = Path.GetFileNameWithoutExtension(image);
            if (!frameOf.TryGetValue(stem, out int t))
                throw new InvalidDataException($"{where}: image_path {image} has no frame {stem} in {frames.Path}");

            JsonElement visibility = ArrayField(frame, "visibility", where);
            JsonElement joints = ArrayField(frame, "joints", where);
            for (int j = 0; j < Joints.Length; j++)
            {
                int id = Joints[j].Id;
                if (id >= visibility.GetArrayLength() || id >= joints.GetArrayLength())
                    throw new InvalidDataException($"{where}: visibility and joints need at least {id + 1} entries (joint {id}, {Joints[j].Name})");

                int cell = j * count + t;
                annotated[cell] = true;
                occluded[cell] = !visibility[id].GetBoolean();
                if (occluded[cell]) continue;

                JsonElement rowCol = joints[id];
                if (rowCol.ValueKind != JsonValueKind.Array || rowCol.GetArrayLength() != 2)
                    throw new InvalidDataException($"{where}: joints[{id}] must be [row, col]");
                double row = rowCol[0].GetDouble(), col = rowCol[1].GetDouble();
                points[2 * cell] = (float)((col + 0.5) * width / FullWidth - 0.5);
                points[2 * cell + 1] = (float)((row + 0.5) * height / FullHeight - 0.5);
            }
        }

        return TrackingGroundTruth.Create(name ?? frames.Name, "badja", frames, width, height, count, points, occluded, annotated,
            Joints.Select(j => j.Name).ToArray());
    }

    private static JsonDocument ParseFile(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    private static string StringField(JsonElement frame, string field, string where) =>
        frame.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"{where}: {field} is missing or not a string");

    private static JsonElement ArrayField(JsonElement frame, string field, string where) =>
        frame.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? value
            : throw new InvalidDataException($"{where}: {field} is missing or not an array");
}
