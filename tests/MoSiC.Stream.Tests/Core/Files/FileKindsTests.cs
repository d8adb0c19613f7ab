using System.Diagnostics;
using System.Net.Sockets;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Core.Files;

public sealed class FileKindsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Files_folders_and_links_are_told_apart()
    {
        string empty = _dir.File("empty.mp4"), full = _dir.File("full.mp4"), link = _dir.File("link.mp4"), dangling = _dir.File("dangling.mp4");
        File.WriteAllBytes(empty, []);
        File.WriteAllBytes(full, [1, 2, 3]);
        File.CreateSymbolicLink(link, full);
        File.CreateSymbolicLink(dangling, _dir.File("gone.mp4"));

        Assert.Equal(FileKind.Regular, FileKinds.Of(empty));
        Assert.Equal(FileKind.Regular, FileKinds.Of(full));
        Assert.Equal(FileKind.Directory, FileKinds.Of(_dir.Path));
        Assert.Equal(FileKind.Regular, FileKinds.Of(link));
        Assert.Equal(FileKind.SymbolicLink, FileKinds.Of(link, followLinks: false));
        Assert.Equal(FileKind.Missing, FileKinds.Of(dangling));
        Assert.Equal(FileKind.SymbolicLink, FileKinds.Of(dangling, followLinks: false));
        Assert.Equal(FileKind.Missing, FileKinds.Of(_dir.File("gone.mp4")));
        Assert.Equal(FileKind.Missing, FileKinds.Of(Path.Combine(full, "below-a-file")));
    }

    [Fact]
    public void A_link_loop_cannot_be_examined()
    {
        string loop = _dir.File("loop.mp4");
        File.CreateSymbolicLink(loop, "loop.mp4");

        Assert.Equal(FileKind.Unknown, FileKinds.Of(loop));
        Assert.Equal(FileKind.SymbolicLink, FileKinds.Of(loop, followLinks: false));
    }

    [Fact]
    public void Fifos_sockets_and_devices_are_named_without_opening_them()
    {
        string fifo = _dir.File("fifo.mp4"), socket = _dir.File("socket.mp4");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socket));

        // A fifo nobody writes: opening it would block this test forever.
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
        Assert.Equal(FileKind.Socket, FileKinds.Of(socket));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of("/dev/null"));
    }
}
