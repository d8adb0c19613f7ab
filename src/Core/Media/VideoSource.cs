namespace MoSiC.Stream.Core.Media;

/// <summary>What a video is stored as.</summary>
public enum VideoSourceKind
{
    /// <summary>A container file ffmpeg can demux (mp4, mkv, webm, …).</summary>
    File,
    /// <summary>A folder of still frames in name order (the DAVIS/YouTube-VOS <c>JPEGImages/&lt;video&gt;/</c> layout).</summary>
    FrameFolder,
}

/// <summary>One video of a corpus, before decoding.</summary>
/// <param name="Path">The video file, or the frame folder.</param>
/// <param name="Kind">File or frame folder.</param>
/// <param name="FrameFiles">For a frame folder, its frames in order (ordinal name order); empty for a file.</param>
/// <param name="FrameFolderFps">The frame rate assumed for a frame folder, which stores no timing.</param>
public sealed record VideoSource(string Path, VideoSourceKind Kind, IReadOnlyList<string> FrameFiles, double FrameFolderFps = 24)
{
    /// <summary>A video file.</summary>
    public static VideoSource FromFile(string path) => new(System.IO.Path.GetFullPath(path), VideoSourceKind.File, []);

    /// <summary>A frame folder whose frames are <paramref name="frameFiles"/>, sorted here by ordinal file name.</summary>
    public static VideoSource FromFrames(string folder, IEnumerable<string> frameFiles, double fps = 24) =>
        new(System.IO.Path.GetFullPath(folder), VideoSourceKind.FrameFolder,
            frameFiles.Select(System.IO.Path.GetFullPath).Order(StringComparer.Ordinal).ToArray(), fps);

    /// <summary>A frame folder when <paramref name="path"/> is a directory (its files with one of <paramref name="frameExtensions"/>), else a video file.</summary>
    public static VideoSource FromPath(string path, IEnumerable<string> frameExtensions, double fps = 24)
    {
        if (!Directory.Exists(path)) return FromFile(path);
        var extensions = new HashSet<string>(frameExtensions, StringComparer.OrdinalIgnoreCase);
        return FromFrames(path, Directory.EnumerateFiles(path).Where(f => extensions.Contains(System.IO.Path.GetExtension(f))), fps);
    }

    /// <summary>A short display name: the file name, or the folder name.</summary>
    public string Name => System.IO.Path.GetFileName(Path.TrimEnd(System.IO.Path.DirectorySeparatorChar));
}
