using System.Text.Json;
using System.Text.Json.Nodes;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Storage.Identity;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Storage.Identity;

/// <summary>
/// <c>_identity.json</c> is a hint: a hinted hash is used only when the file's content sample matches the sample
/// recorded with that video's tracks; otherwise the file is hashed in full and the entry corrected.
/// </summary>
public sealed class HashIndexTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private VideoSource Video(string name, byte fill, int bytes = 200_000)
    {
        string path = _dir.File(name);
        var data = new byte[bytes];
        new Random(fill).NextBytes(data);
        File.WriteAllBytes(path, data);
        return VideoSource.FromFile(path);
    }

    [Fact]
    public async Task A_forged_entry_naming_another_videos_hash_is_caught_by_the_sample_and_corrected()
    {
        VideoSource a = Video("a.mp4", 1), b = Video("b.mp4", 2);
        HashIndex first = HashIndex.Load(_dir.Path);
        (string hashA, _) = await first.LookUpAsync(a, CancellationToken.None);
        (string hashB, _) = await first.LookUpAsync(b, CancellationToken.None);
        await first.SaveAsync(CancellationToken.None);
        string sampleA = await ContentSample.ComputeAsync(a, CancellationToken.None);

        // The forgery: b's path, size and time, a's hash.
        var json = JsonNode.Parse(File.ReadAllText(_dir.File(HashIndex.FileName)))!.AsObject();
        json[b.Path]!["Sha256"] = hashA;
        File.WriteAllText(_dir.File(HashIndex.FileName), json.ToJsonString());

        HashIndex index = HashIndex.Load(_dir.Path);
        (string hint, bool hinted) = await index.LookUpAsync(b, CancellationToken.None);
        Assert.Equal((hashA, true), (hint, hinted));
        string sampleB = await ContentSample.ComputeAsync(b, CancellationToken.None);
        Assert.NotEqual(sampleA, sampleB);
        Assert.Equal(hashB, await index.ConfirmAsync(b, hint, sampleB, recorded: sampleA, CancellationToken.None));
        Assert.Equal((1, 1, 0), (index.Hashed, index.Corrected, index.Confirmed));

        // The forged entry does not survive the run.
        await index.SaveAsync(CancellationToken.None);
        Assert.Equal((hashB, true), await HashIndex.Load(_dir.Path).LookUpAsync(b, CancellationToken.None));
    }

    [Fact]
    public async Task A_matching_sample_confirms_without_reading_the_file_and_no_recorded_sample_means_a_full_hash()
    {
        VideoSource a = Video("a.mp4", 1);
        HashIndex first = HashIndex.Load(_dir.Path);
        (string hash, _) = await first.LookUpAsync(a, CancellationToken.None);
        await first.SaveAsync(CancellationToken.None);
        string sample = await ContentSample.ComputeAsync(a, CancellationToken.None);

        HashIndex index = HashIndex.Load(_dir.Path);
        Assert.Equal(hash, await index.ConfirmAsync(a, hash, sample, recorded: sample, CancellationToken.None));
        Assert.Equal((0, 1), (index.Hashed, index.Confirmed));
        // No tracks recorded a sample for it (an older cache): the hint is confirmed the slow way.
        Assert.Equal(hash, await index.ConfirmAsync(a, hash, sample, recorded: null, CancellationToken.None));
        Assert.Equal((1, 0), (index.Hashed, index.Corrected));
    }

    [Fact]
    public async Task The_sample_sees_a_change_in_any_window_and_the_size()
    {
        VideoSource a = Video("a.mp4", 1);
        string before = await ContentSample.ComputeAsync(a, CancellationToken.None);
        byte[] bytes = File.ReadAllBytes(a.Path);
        foreach (long offset in ContentSample.Offsets(bytes.Length))
        {
            byte[] changed = [.. bytes];
            changed[offset + 100] ^= 1;
            File.WriteAllBytes(a.Path, changed);
            Assert.NotEqual(before, await ContentSample.ComputeAsync(a, CancellationToken.None));
        }

        File.WriteAllBytes(a.Path, [.. bytes, 0]);
        Assert.NotEqual(before, await ContentSample.ComputeAsync(a, CancellationToken.None));
        // Small files are sampled whole.
        VideoSource small = Video("small.mp4", 3, 1000);
        Assert.Equal([0L], ContentSample.Offsets(new FileInfo(small.Path).Length));
    }

    [Fact]
    public async Task Entries_that_are_not_well_formed_are_dropped()
    {
        VideoSource a = Video("a.mp4", 1);
        File.WriteAllText(_dir.File(HashIndex.FileName), JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            [a.Path] = new { Bytes = new FileInfo(a.Path).Length, ModifiedTicks = File.GetLastWriteTimeUtc(a.Path).Ticks, Files = 1, Sha256 = "../../etc" },
            ["x"] = null,
        }));
        HashIndex index = HashIndex.Load(_dir.Path);
        Assert.Null(index.Problem);
        (_, bool hinted) = await index.LookUpAsync(a, CancellationToken.None);
        Assert.False(hinted);
    }
}
