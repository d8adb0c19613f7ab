using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Stages.Discover;

/// <summary>What discovery found: the videos, and the matched files it did not know how to read.</summary>
public sealed record CorpusListing(string Root, IReadOnlyList<VideoSource> Videos, IReadOnlyList<string> Ignored);

/// <summary>
/// Expands the corpus globs into videos: each matched video file is one video; matched still frames are grouped by
/// folder, each folder one video with its frames in ordinal name order. Results are sorted by path, so every run
/// sees the same order.
/// </summary>
public static class CorpusDiscovery
{
    /// <summary>Lists the videos of <paramref name="corpus"/>, globs relative to <paramref name="root"/>.</summary>
    public static CorpusListing Discover(CorpusOptions corpus, string root)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"corpus.root \"{root}\" does not exist");
        var include = corpus.Include.Count > 0 ? corpus.Include : ["videos/*.mp4"];
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var group in include.GroupBy(p => BaseOf(p, root)))
        {
            var matcher = new Matcher(StringComparison.Ordinal);
            foreach (var pattern in group) matcher.AddInclude(Path.GetRelativePath(group.Key, Path.Combine(root, pattern)));
            foreach (var pattern in corpus.Exclude) matcher.AddExclude(pattern);
            if (!Directory.Exists(group.Key)) continue;
            foreach (var match in matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(group.Key))).Files)
                files.Add(Path.GetFullPath(Path.Combine(group.Key, match.Path)));
        }

        var videos = new List<VideoSource>();
        var ignored = new List<string>();
        var frames = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var extension = Path.GetExtension(file).ToLowerInvariant();
            if (corpus.VideoExtensions.Contains(extension)) videos.Add(VideoSource.FromFile(file));
            else if (corpus.FrameExtensions.Contains(extension))
            {
                var folder = Path.GetDirectoryName(file)!;
                if (!frames.TryGetValue(folder, out var list)) frames[folder] = list = [];
                list.Add(file);
            }
            else ignored.Add(file);
        }
        videos.AddRange(frames.Select(f => VideoSource.FromFrames(f.Key, f.Value, corpus.FrameFolderFps)));
        videos.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new CorpusListing(root, videos, ignored);
    }

    /// <summary>
    /// Lists the videos of <paramref name="corpus"/> under its root, refusing a corpus of none: to a run or a gc, an
    /// empty listing is far more often a share that failed to mount or a mistyped glob than a deliberate empty corpus.
    /// </summary>
    /// <exception cref="InvalidOperationException">No video matched; the message says whether the root is empty.</exception>
    public static CorpusListing DiscoverSome(CorpusOptions corpus)
    {
        CorpusListing listing = Discover(corpus, corpus.ResolvedRoot);
        if (listing.Videos.Count > 0) return listing;
        string patterns = string.Join(", ", corpus.Include.DefaultIfEmpty("videos/*.mp4"));
        throw new InvalidOperationException(Directory.EnumerateFileSystemEntries(listing.Root).Any()
            ? $"corpus.include matched no videos under {listing.Root} (patterns: {patterns})"
            : $"corpus.root {listing.Root} is an empty folder (a network share that did not mount?): no videos to match {patterns}");
    }

    // An absolute pattern is matched from its longest wildcard-free folder; a relative one from the root.
    private static string BaseOf(string pattern, string root)
    {
        var full = Path.GetFullPath(Path.Combine(root, pattern));
        var wildcard = full.IndexOfAny(['*', '?', '[', '{']);
        var fixedPart = wildcard < 0 ? full : full[..wildcard];
        var cut = fixedPart.LastIndexOf(Path.DirectorySeparatorChar);
        return cut <= 0 ? Path.GetPathRoot(full)! : fixedPart[..cut];
    }
}
