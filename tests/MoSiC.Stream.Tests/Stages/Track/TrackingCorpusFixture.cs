using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Eval.Tracking;
using MoSiC.Stream.Synthetic;
using MoSiC.Stream.Tests.Synthetic;

namespace MoSiC.Stream.Tests.Stages.Track;

/// <summary>A synthetic corpus with dense ground-truth tracks, rendered once for the tracking tests (the sample pipeline's settings, another seed).</summary>
public sealed class TrackingCorpusFixture : IAsyncLifetime
{
    public static readonly SynthOptions Options = new() { Videos = 3, Seed = 7, Frames = 48, Width = 320, Height = 240, TrackPoints = 256, Parallelism = 2 };

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), $"mosic-track-tests-{Guid.NewGuid():N}");

    public IReadOnlyList<TrackingGroundTruth> Truths { get; private set; } = [];

    public async Task InitializeAsync()
    {
        if (!ExternalTools.Available) return;
        await SyntheticCorpus.GenerateAsync(Options, Dir, null, CancellationToken.None);
        Truths = GroundTruthSources.Find(Dir);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class TrackingCorpusCollection : ICollectionFixture<TrackingCorpusFixture>
{
    public const string Name = "tracking corpus";
}
