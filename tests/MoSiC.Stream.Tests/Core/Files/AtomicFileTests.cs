using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Core.Files;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_replaces_the_file_creates_its_folder_and_leaves_no_temporary_file()
    {
        string path = _dir.File("sub/folder/state.bin");
        AtomicFile.Write(path, stream => stream.Write([1, 2, 3]));
        AtomicFile.Write(path, new byte[] { 4, 5 });

        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void A_failing_writer_leaves_the_old_file_and_no_temporary_file()
    {
        string path = _dir.File("state.bin");
        File.WriteAllBytes(path, [7]);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("writer failed");
        }));

        Assert.Equal([7], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task A_cancelled_async_write_leaves_the_old_file_and_no_temporary_file()
    {
        string path = _dir.File("profile.json");
        File.WriteAllBytes(path, [7]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(path, new byte[1 << 20], new CancellationToken(canceled: true)));

        Assert.Equal([7], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task Create_never_replaces_an_existing_file()
    {
        string path = _dir.File("manifest-1.json");
        Assert.True(await AtomicFile.TryCreateAsync(path, new byte[] { 1 }, CancellationToken.None));
        Assert.False(await AtomicFile.TryCreateAsync(path, new byte[] { 2 }, CancellationToken.None));

        Assert.Equal([1], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Concurrent_writers_of_one_file_never_mix_their_bytes()
    {
        // With one fixed temporary name, two writers wrote into the same file and one rename found it gone.
        string path = _dir.File("tracks.json");
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var bytes = new byte[256 * 1024];
            Array.Fill(bytes, (byte)i);
            AtomicFile.Write(path, bytes);
        });

        byte[] final = File.ReadAllBytes(path);
        Assert.Equal(256 * 1024, final.Length);
        Assert.All(final, b => Assert.Equal(final[0], b));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Temporary_names_are_hidden_unique_and_name_their_target_and_writer()
    {
        string target = _dir.File("epoch-0001.ckpt.safetensors");
        string first = AtomicFile.TempPathFor(target), second = AtomicFile.TempPathFor(target);

        Assert.NotEqual(first, second);
        Assert.Equal(_dir.Path, Path.GetDirectoryName(first));
        Assert.StartsWith(".", Path.GetFileName(first), StringComparison.Ordinal);
        Assert.True(AtomicFile.TryParseTempName(Path.GetFileName(first), out string finalName, out int pid));
        Assert.Equal("epoch-0001.ckpt.safetensors", finalName);
        Assert.Equal(Environment.ProcessId, pid);
    }

    [Theory]
    [InlineData("state.bin")]
    [InlineData("state.bin.tmp")]
    [InlineData("state.bin.tmp-12-ab")]
    [InlineData(".state.bin.tmp-12-")]
    [InlineData(".state.bin.tmp--ab")]
    [InlineData(".state.bin.tmp-x-ab")]
    [InlineData(".state.bin.tmp-12-XY")]
    [InlineData("..tmp-12-ab")]
    public void Other_names_are_not_temporary_names(string name) =>
        Assert.False(AtomicFile.TryParseTempName(name, out _, out _));
}
