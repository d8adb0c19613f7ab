using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Synthetic;

namespace MoSiC.Stream.Tests.Synthetic;

/// <summary>
/// Three corpora generated once for the whole collection: A and B share a seed (B renders serially,
/// A in parallel), C has another seed.
/// </summary>
public sealed class SyntheticCorpusFixture : IAsyncLifetime
{
    public static readonly SynthOptions Options = new()
    {
        Videos = 2,
        Seed = 11,
        Frames = 32,
        TrackPoints = 128,
        Parallelism = 2,
    };

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"mosic-synth-tests-{Guid.NewGuid():N}");

    public string DirA => Path.Combine(_root, "a");

    public string DirB => Path.Combine(_root, "b");

    public string DirC => Path.Combine(_root, "c");

    public SyntheticCorpusManifest ManifestA { get; private set; } = null!;

    public SyntheticCorpusManifest ManifestB { get; private set; } = null!;

    public SyntheticCorpusManifest ManifestC { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!ExternalTools.Available)
        {
            return;
        }

        ManifestA = await SyntheticCorpus.GenerateAsync(Options, DirA, null, CancellationToken.None);
        ManifestB = await SyntheticCorpus.GenerateAsync(Options with { Parallelism = 1 }, DirB, null, CancellationToken.None);
        ManifestC = await SyntheticCorpus.GenerateAsync(Options with { Seed = 12, Videos = 1 }, DirC, null, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    internal static PalettePng[] ReadMasks(string dir, SyntheticVideoEntry video) =>
        Enumerable.Range(0, video.Frames)
            .Select(t => PalettePng.Read(Path.Combine(dir, video.Annotations, $"{t:D5}.png")))
            .ToArray();
}

[CollectionDefinition(Name)]
public sealed class SyntheticCorpusCollection : ICollectionFixture<SyntheticCorpusFixture>
{
    public const string Name = "synthetic corpus";
}
