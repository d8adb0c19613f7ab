using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Synthetic;
using SixLabors.ImageSharp;

namespace MoSiC.Stream.Eval.Tracking;

/// <summary>
/// Finds tracking ground truth under a path: a synthetic corpus (<c>corpus.json</c>), a BADJA item
/// (<c>badja_joints_raw.json</c> next to <c>JPEGImages/</c>), or a folder holding such items.
/// </summary>
public static class GroundTruthSources
{
    private const string FramesFolder = "JPEGImages";
    private static readonly string[] FrameExtensions = [".jpg", ".jpeg", ".png"];

    /// <summary>Every sequence with ground truth under <paramref name="path"/>, in name order.</summary>
    public static IReadOnlyList<TrackingGroundTruth> Find(string path)
    {
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
            throw new FileNotFoundException($"{path}: no such folder (expected a synthetic corpus, a BADJA item or a folder of them)", path);

        if (TryRead(full) is { } found) return found;

        var nested = Directory.EnumerateDirectories(full).Order(StringComparer.Ordinal)
            .Select(TryRead).OfType<IReadOnlyList<TrackingGroundTruth>>().SelectMany(x => x).ToArray();
        return nested.Length > 0
            ? nested
            : throw new InvalidDataException(
                $"{path}: no tracking ground truth here: expected {CorpusLayout.ManifestFile} (synthetic corpus), "
                + $"{BadjaGroundTruth.FileName} with {FramesFolder}/ (BADJA item), or a folder of such items");
    }

    private static IReadOnlyList<TrackingGroundTruth>? TryRead(string dir)
    {
        if (File.Exists(Path.Combine(dir, CorpusLayout.ManifestFile)))
        {
            SyntheticCorpusManifest manifest = SyntheticCorpus.ReadManifest(dir);
            return manifest.Videos.Select(v => SyntheticGroundTruth.Read(
                CorpusLayout.Resolve(dir, v.Tracks), CorpusLayout.Resolve(dir, v.File))).ToArray();
        }

        string badja = Path.Combine(dir, BadjaGroundTruth.FileName);
        if (!File.Exists(badja)) return null;

        string framesDir = Path.Combine(dir, FramesFolder);
        if (!Directory.Exists(framesDir))
            throw new InvalidDataException($"{badja}: the frames folder {FramesFolder}/ is missing next to it");
        VideoSource frames = VideoSource.FromPath(framesDir, FrameExtensions);
        if (frames.FrameFiles.Count == 0)
            throw new InvalidDataException($"{framesDir}: no frame files ({string.Join(", ", FrameExtensions)})");

        IImageInfo info = Image.Identify(frames.FrameFiles[0])
            ?? throw new InvalidDataException($"{frames.FrameFiles[0]}: not an image ImageSharp can read");
        return [BadjaGroundTruth.Read(badja, frames, info.Width, info.Height, Path.GetFileName(dir))];
    }
}
