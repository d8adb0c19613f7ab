using System.ComponentModel;

namespace MoSiC.Stream.Core.Options;

/// <summary>
/// Which videos make the corpus. Patterns are globs relative to <see cref="Root"/>; a matched video file is one video,
/// and matched image files are grouped by folder, each folder one video (the DAVIS/YouTube-VOS
/// <c>JPEGImages/&lt;video&gt;/*.jpg</c> layout).
/// </summary>
public sealed record CorpusOptions
{
    [Description("Folder the include/exclude globs are relative to (relative paths are relative to the current directory). Default: the current directory, or .mosic/synthetic when synthetic is set. A synthetic corpus is generated into this folder.")]
    public string? Root { get; init; }

    [Description("Glob patterns (e.g. \"videos/**/*.mp4\", \"JPEGImages/*/*.jpg\"). Default: [\"videos/*.mp4\"] for a synthetic corpus, required otherwise.")]
    public IReadOnlyList<string> Include { get; init; } = [];

    [Description("Glob patterns to leave out.")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    [Description("File extensions read as videos (lower case, with the dot).")]
    public IReadOnlyList<string> VideoExtensions { get; init; } = [".mp4", ".mkv", ".webm", ".mov", ".avi", ".m4v"];

    [Description("File extensions read as frames of a frame folder (lower case, with the dot).")]
    public IReadOnlyList<string> FrameExtensions { get; init; } = [".jpg", ".jpeg", ".png"];

    [Description("Frame rate assumed for frame folders, which carry no timing (DAVIS is commonly taken as 24 fps).")]
    public double FrameFolderFps { get; init; } = 24;

    [Description("Generate a synthetic corpus (videos, masks, point tracks) into corpus.root before the run, unless an identical one is there already.")]
    public SynthOptions? Synthetic { get; init; }

    /// <summary>The folder globs are relative to (and a synthetic corpus is generated into).</summary>
    public string ResolvedRoot => Root ?? (Synthetic is null ? "." : ".mosic/synthetic");

    internal void Validate(OptionErrors e, string path)
    {
        if (Synthetic is null)
            e.Require(Include.Count > 0, OptionErrors.Join(path, "include"),
                "must list at least one glob pattern (e.g. \"videos/**/*.mp4\") unless corpus.synthetic is set, got []");
        for (var i = 0; i < Include.Count; i++)
            e.Require(!string.IsNullOrWhiteSpace(Include[i]), $"{path}.include[{i}]", "must not be empty");
        e.Require(FrameFolderFps > 0 && double.IsFinite(FrameFolderFps), OptionErrors.Join(path, "frameFolderFps"),
            $"must be > 0, got {OptionErrors.Show(FrameFolderFps)}");
        CheckExtensions(e, OptionErrors.Join(path, "videoExtensions"), VideoExtensions);
        CheckExtensions(e, OptionErrors.Join(path, "frameExtensions"), FrameExtensions);
        if (Synthetic is not null)
        {
            // The generator names its fields "synth.x" (as the synth command's options); here they live under corpus.synthetic.
            foreach (var error in Synthetic.Validate())
                e.AddMessage(error.Replace("synth.", OptionErrors.Join(path, "synthetic."), StringComparison.Ordinal));
        }
    }

    private static void CheckExtensions(OptionErrors e, string path, IReadOnlyList<string> extensions)
    {
        for (var i = 0; i < extensions.Count; i++)
            e.Require(extensions[i].StartsWith('.') && extensions[i] == extensions[i].ToLowerInvariant(), $"{path}[{i}]",
                $"must be lower case and start with a dot, got \"{extensions[i]}\"");
    }
}
