using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Storage.Identity;
using MoSiC.Stream.Tests.Support;
using Xunit.Abstractions;

namespace MoSiC.Stream.Tests.Storage.Identity;

/// <summary>
/// Seeded fuzzing of <c>_identity.json</c> (issue #19, item 6): whatever the file says, every video ends with its true
/// hash once hints are confirmed against the samples recorded with the tracks.
/// </summary>
public sealed class HashIndexFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Identity_files_never_yield_a_wrong_hash()
    {
        using var dir = new TempDir();
        var videos = new List<(VideoSource Source, string Hash, string Sample)>();
        var samples = new Dictionary<string, string>(StringComparer.Ordinal);
        HashIndex first = HashIndex.Load(dir.Path);
        for (int i = 0; i < 3; i++)
        {
            string path = dir.File($"v{i}.mp4");
            var data = new byte[100_000 + i];
            new Random(i).NextBytes(data);
            File.WriteAllBytes(path, data);
            VideoSource source = VideoSource.FromFile(path);
            (string hash, _) = await first.LookUpAsync(source, CancellationToken.None);
            string sample = await ContentSample.ComputeAsync(source, CancellationToken.None);
            videos.Add((source, hash, sample));
            samples[hash] = sample;
        }

        await first.SaveAsync(CancellationToken.None);
        byte[] honest = File.ReadAllBytes(dir.File(HashIndex.FileName));
        await Fuzz.RunAsync(output, "_identity.json", Fuzz.Cases(200), async (random, _) =>
        {
            File.WriteAllBytes(dir.File(HashIndex.FileName), Fuzz.Mutate(honest, random));
            HashIndex index = HashIndex.Load(dir.Path);
            foreach (var (source, truth, _) in videos)
                Assert.Equal(truth, await index.HashAsync(source, h => samples.GetValueOrDefault(h), CancellationToken.None));
            return index.Problem is not null ? "ignored" : index.Corrected > 0 ? "corrected" : index.Hashed > 0 ? "rehashed" : "confirmed";
        });
    }
}
