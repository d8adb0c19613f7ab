using System.Text.Json;
using System.Text.Json.Serialization;
using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Synthetic;

/// <summary>
/// Ground-truth point tracks of one synthetic video (the tracks/NAME.json file). Coordinates are
/// pixel positions with pixel centres at integer coordinates; they are given on every frame, also
/// while the point is occluded or outside the frame.
/// </summary>
public sealed record SyntheticTracks
{
    /// <summary>The coordinate convention written to <see cref="Coordinates"/>.</summary>
    public const string PixelCentres = "pixel centres at integer coordinates";

    /// <summary>Video name, e.g. synth-0000.</summary>
    public required string Video { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public required int Fps { get; init; }

    public required int Frames { get; init; }

    public string Coordinates { get; init; } = PixelCentres;

    /// <summary>Points[p][t] = [x, y] of point p on frame t.</summary>
    public required double[][][] Points { get; init; }

    /// <summary>Occluded[p][t]: covered by a nearer object, or outside the frame.</summary>
    public required bool[][] Occluded { get; init; }

    /// <summary>Object[p]: mask label the point belongs to (0 = background).</summary>
    public required int[] Object { get; init; }

    /// <summary>Number of tracked points.</summary>
    [JsonIgnore]
    public int Count => Points.Length;

    /// <summary>Position of point <paramref name="point"/> on <paramref name="frame"/>.</summary>
    public Point2 At(int point, int frame) => new(Points[point][frame][0], Points[point][frame][1]);

    /// <summary>Reads and checks a tracks file; shape errors name the file and the field.</summary>
    public static SyntheticTracks Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        SyntheticTracks tracks = JsonSerializer.Deserialize<SyntheticTracks>(stream, CorpusJson.Compact)
            ?? throw new InvalidDataException($"{path}: tracks file is empty");
        tracks.Check(path);
        return tracks;
    }

    internal void Write(string path) =>
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, CorpusJson.Compact));

    private void Check(string path)
    {
        if (Occluded is null || Object is null || Points is null)
        {
            throw new InvalidDataException($"{path}: points, occluded and object are all required");
        }

        if (Occluded.Length != Count || Object.Length != Count)
        {
            throw new InvalidDataException($"{path}: points has {Count} entries but occluded has {Occluded.Length} and object {Object.Length}");
        }

        for (int p = 0; p < Count; p++)
        {
            if (Points[p]?.Length != Frames || Occluded[p]?.Length != Frames)
            {
                throw new InvalidDataException($"{path}: points[{p}] and occluded[{p}] must have frames={Frames} entries");
            }

            if (Points[p].Any(xy => xy?.Length != 2))
            {
                throw new InvalidDataException($"{path}: points[{p}] must hold [x, y] pairs");
            }
        }
    }
}
