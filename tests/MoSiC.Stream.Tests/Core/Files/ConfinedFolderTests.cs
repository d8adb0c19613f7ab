using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Core.Files;

public sealed class ConfinedFolderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Regular_files_are_read_and_anything_else_is_refused_before_it_is_opened()
    {
        Directory.CreateDirectory(_dir.File("in"));
        File.WriteAllBytes(_dir.File("in/ok"), [1, 2, 3]);
        File.WriteAllBytes(_dir.File("outside"), [9]);
        SpecialFiles.Link(_dir.File("in/link"), _dir.File("outside"));
        SpecialFiles.Link(_dir.File("in/zero"), "/dev/zero");
        SpecialFiles.Fifo(_dir.File("in/pipe"));
        Directory.CreateDirectory(_dir.File("in/folder"));
        using ConfinedFolder folder = ConfinedFolder.TryOpen(_dir.Path, "in")!;

        Assert.Equal(new byte[] { 1, 2, 3 }, folder.ReadAll("ok", 3));
        Assert.Contains("more than the 2", Assert.Throws<UnsafeFileException>(() => folder.ReadAll("ok", 2)).Message);
        Assert.Contains("a symbolic link", Assert.Throws<UnsafeFileException>(() => folder.ReadAll("link", 100)).Message);
        Assert.Contains("a symbolic link", Assert.Throws<UnsafeFileException>(() => folder.ReadAll("zero", 100)).Message);
        Assert.Contains("a named pipe", Assert.Throws<UnsafeFileException>(() => folder.ReadAll("pipe", 100)).Message);
        Assert.Contains("a folder", Assert.Throws<UnsafeFileException>(() => folder.ReadAll("folder", 100)).Message);
        Assert.Throws<FileNotFoundException>(() => folder.ReadAll("gone", 100));
        Assert.Throws<ArgumentException>(() => folder.ReadAll("../outside", 100));
        Assert.Throws<ArgumentException>(() => folder.ReadAll("..", 100));
        Assert.Equal(FileKind.SymbolicLink, folder.Status("zero").Kind);
        Assert.Equal((FileKind.Regular, 3L), (folder.Status("ok").Kind, folder.Status("ok").Size));
    }

    [Fact]
    public void Only_regular_files_are_deleted_and_a_link_never_leads_to_its_target()
    {
        Directory.CreateDirectory(_dir.File("in"));
        File.WriteAllBytes(_dir.File("in/ok"), [1]);
        File.WriteAllBytes(_dir.File("victim"), [9]);
        SpecialFiles.Link(_dir.File("in/link"), _dir.File("victim"));
        SpecialFiles.Fifo(_dir.File("in/pipe"));
        using ConfinedFolder folder = ConfinedFolder.TryOpen(_dir.Path, "in")!;

        Assert.True(folder.TryDelete("ok"));
        Assert.False(File.Exists(_dir.File("in/ok")));
        Assert.False(folder.TryDelete("link"));
        Assert.False(folder.TryDelete("pipe"));
        Assert.False(folder.TryDelete("gone"));
        Assert.True(File.Exists(_dir.File("victim")));
        Assert.Equal(FileKind.SymbolicLink, FileKinds.Of(_dir.File("in/link"), followLinks: false));
    }

    [Fact]
    public void A_subfolder_that_is_a_link_is_refused_and_a_missing_one_is_null()
    {
        Directory.CreateDirectory(_dir.File("real"));
        Directory.CreateSymbolicLink(_dir.File("linked"), _dir.File("real"));
        File.WriteAllText(_dir.File("file"), "x");

        Assert.Null(ConfinedFolder.TryOpen(_dir.Path, "gone"));
        Assert.Contains("a symbolic link where a folder should be", Assert.Throws<UnsafeFileException>(() => ConfinedFolder.TryOpen(_dir.Path, "linked")).Message);
        Assert.Contains("a regular file where a folder should be", Assert.Throws<UnsafeFileException>(() => ConfinedFolder.TryOpen(_dir.Path, "file")).Message);
        // The root itself is the user's choice: a link there is followed.
        using ConfinedFolder viaLink = ConfinedFolder.TryOpen(_dir.File("linked"))!;
        Assert.NotNull(viaLink);
    }
}
