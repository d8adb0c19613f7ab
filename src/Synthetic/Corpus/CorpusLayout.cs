using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Synthetic;

/// <summary>
/// Where each file of a corpus lives. Paths in the manifest are relative to the corpus folder and
/// use '/' whatever the platform.
/// </summary>
public static class CorpusLayout
{
    public const string ManifestFile = "corpus.json";
    public const string VideosFolder = "videos";
    public const string AnnotationsFolder = "Annotations";
    public const string TracksFolder = "tracks";
    private const string NamePrefix = "synth-";

    public static string VideoName(int index) => $"{NamePrefix}{index:D4}";

    public static string VideoFile(string name) => $"{VideosFolder}/{name}.mp4";

    public static string AnnotationFolder(string name) => $"{AnnotationsFolder}/{name}";

    public static string MaskFile(int frame) => $"{frame:D5}.png";

    public static string TracksFile(string name) => $"{TracksFolder}/{name}.json";

    public static string Resolve(string root, string relative) =>
        Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Creates the folders of a corpus, first deleting anything an earlier generation left in them.</summary>
    public static void Prepare(string root)
    {
        Directory.CreateDirectory(root);
        // Only files this generator names are removed: the folder may hold other things.
        string videos = Directory.CreateDirectory(Path.Combine(root, VideosFolder)).FullName;
        foreach (string file in Directory.EnumerateFiles(videos, NamePrefix + "*"))
        {
            File.Delete(file);
        }

        string annotations = Directory.CreateDirectory(Path.Combine(root, AnnotationsFolder)).FullName;
        foreach (string folder in Directory.EnumerateDirectories(annotations, NamePrefix + "*"))
        {
            Directory.Delete(folder, recursive: true);
        }

        string tracks = Directory.CreateDirectory(Path.Combine(root, TracksFolder)).FullName;
        foreach (string file in Directory.EnumerateFiles(tracks, NamePrefix + "*"))
        {
            File.Delete(file);
        }

        // A writer killed between its write and its rename leaves a hidden temporary file (unique per writer, so
        // nobody overwrites it later): those of the tracks and of the manifest go too.
        foreach (string file in Directory.EnumerateFiles(tracks, "." + NamePrefix + "*" + AtomicFile.TempMarker + "*")
                     .Concat(Directory.EnumerateFiles(root, "." + ManifestFile + AtomicFile.TempMarker + "*")))
        {
            File.Delete(file);
        }
    }
}
