using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Stages.Discover;

public sealed class CorpusDiscoveryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Touch(string relative)
    {
        var path = _dir.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1]);
    }

    [Fact]
    public void Videos_and_frame_folders_are_found_grouped_and_sorted()
    {
        Touch("videos/b.mp4");
        Touch("videos/sub/a.MKV");
        Touch("videos/notes.txt");
        Touch("JPEGImages/bear/00010.jpg");
        Touch("JPEGImages/bear/00002.jpg");
        Touch("JPEGImages/bear/00001.jpg");
        Touch("JPEGImages/camel/00000.jpg");
        var corpus = new CorpusOptions { Include = ["videos/**/*", "JPEGImages/*/*.jpg"], FrameFolderFps = 30 };

        var listing = CorpusDiscovery.Discover(corpus, _dir.Path);

        Assert.Equal(["bear", "camel", "b.mp4", "a.MKV"], listing.Videos.Select(v => v.Name));
        var bear = listing.Videos[0];
        Assert.Equal(VideoSourceKind.FrameFolder, bear.Kind);
        Assert.Equal(["00001.jpg", "00002.jpg", "00010.jpg"], bear.FrameFiles.Select(Path.GetFileName));
        Assert.Equal(30, bear.FrameFolderFps);
        Assert.Equal(VideoSourceKind.File, listing.Videos[2].Kind);
        Assert.Equal(["notes.txt"], listing.Ignored.Select(Path.GetFileName));
    }

    [Fact]
    public void Exclude_and_absolute_patterns_work()
    {
        Touch("in/keep.mp4");
        Touch("in/skip.mp4");
        var corpus = new CorpusOptions { Include = [Path.Combine(_dir.Path, "in", "*.mp4")], Exclude = ["**/skip.mp4"] };
        var listing = CorpusDiscovery.Discover(corpus, "/");
        Assert.Equal(["keep.mp4"], listing.Videos.Select(v => v.Name));
    }

    [Fact]
    public void Missing_root_is_a_clear_error()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() =>
            CorpusDiscovery.Discover(new CorpusOptions { Include = ["*.mp4"] }, _dir.File("nope")));
        Assert.Contains("corpus.root", error.Message);
    }
}
