using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Storage.Identity;
using MoSiC.Stream.Tests.Support;

namespace MoSiC.Stream.Tests.Graph.Discover;

public sealed class CorpusPlanTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Identifying_a_corpus_reports_files_done_and_bytes_hashed_as_it_goes()
    {
        var listing = Enumerable.Range(0, 4).Select(i =>
        {
            string path = _dir.File($"v{i}.mp4");
            var data = new byte[100_000 * (i + 1)];
            new Random(i).NextBytes(data);
            File.WriteAllBytes(path, data);
            return VideoSource.FromFile(path);
        }).ToArray();

        Directory.CreateDirectory(_dir.File("cache"));
        var reports = new List<HashingProgress>();
        HashIndex index = HashIndex.Load(_dir.File("cache"));
        var plan = await CorpusPlan.BuildAsync(listing, index, ShardSpec.All, _ => null, TimeSpan.FromMinutes(1), default, reports.Add, TimeSpan.Zero);
        Assert.Equal(4, plan.Videos.Count);
        // One report before each file: the files done so far and the bytes their full hashes read.
        Assert.Equal([0, 1, 2, 3], reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(4, r.Listed));
        Assert.Equal([0L, 100_000, 300_000, 600_000], reports.Select(r => r.BytesHashed));
        Assert.Contains("identifying videos: 3 of 4 files, 1 MB hashed", reports[^1].ToString());

        reports.Clear();
        var again = await CorpusPlan.BuildAsync(listing, HashIndex.Load(_dir.File("cache")), ShardSpec.All, _ => null, TimeSpan.FromMinutes(1), default, reports.Add, TimeSpan.Zero);
        Assert.Equal(plan.Videos.Select(v => v.Hash), again.Videos.Select(v => v.Hash));
        // Hints without a recorded sample are confirmed by a full hash: the bytes count it.
        Assert.Equal(600_000, reports[^1].BytesHashed);
    }
}
