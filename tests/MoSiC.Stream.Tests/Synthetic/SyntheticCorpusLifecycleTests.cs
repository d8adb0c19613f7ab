using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Ffmpeg;
using MoSiC.Stream.Synthetic;

namespace MoSiC.Stream.Tests.Synthetic;

public sealed class SyntheticCorpusLifecycleTests : IDisposable
{
    private static readonly SynthOptions Small = new() { Videos = 2, Seed = 21, Frames = 8, Width = 96, Height = 64, TrackPoints = 16 };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"mosic-synth-life-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [SkippableFact]
    public async Task A_complete_corpus_with_the_same_options_is_not_rendered_again()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        SyntheticCorpusManifest first = await SyntheticCorpus.GenerateAsync(Small, _dir, null, CancellationToken.None);
        string video = Path.Combine(_dir, first.Videos[0].File);
        string manifest = Path.Combine(_dir, SyntheticCorpus.ManifestFileName);
        DateTime videoWritten = File.GetLastWriteTimeUtc(video), manifestWritten = File.GetLastWriteTimeUtc(manifest);
        byte[] manifestBytes = File.ReadAllBytes(manifest);

        var messages = new List<string>();
        SyntheticCorpusManifest second = await SyntheticCorpus.GenerateAsync(Small with { Parallelism = 3 }, _dir, new SyncProgress(messages.Add), CancellationToken.None);

        Assert.Equal(first.Videos, second.Videos);
        Assert.Equal(videoWritten, File.GetLastWriteTimeUtc(video));
        Assert.Equal(manifestWritten, File.GetLastWriteTimeUtc(manifest));
        Assert.Equal(manifestBytes, File.ReadAllBytes(manifest));
        Assert.Contains(messages, m => m.Contains("up to date", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Changed_options_regenerate_the_corpus()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        await SyntheticCorpus.GenerateAsync(Small with { Videos = 3 }, _dir, null, CancellationToken.None);
        SyntheticCorpusManifest changed = await SyntheticCorpus.GenerateAsync(Small with { Frames = 10 }, _dir, null, CancellationToken.None);

        Assert.Equal(10, SyntheticCorpus.ReadManifest(_dir).Options.Frames);
        Assert.Equal((10, 96, 64), ExternalTools.Probe(Path.Combine(_dir, changed.Videos[1].File)));
        Assert.Equal(10, SyntheticTracks.Read(Path.Combine(_dir, changed.Videos[1].Tracks)).Frames);
        // The third video of the earlier, larger corpus is gone.
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_dir, "videos"), "*.mp4").Length);
        Assert.False(Directory.Exists(Path.Combine(_dir, "Annotations", "synth-0002")));
    }

    [SkippableFact]
    public async Task Cancellation_leaves_no_manifest_and_no_half_written_video()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        var options = new SynthOptions { Videos = 4, Seed = 3, Frames = 40, TrackPoints = 16, Parallelism = 2 };
        using var cts = new CancellationTokenSource();
        // Cancel as soon as one video is finished, while the other one is still being encoded.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SyntheticCorpus.GenerateAsync(options, _dir, new SyncProgress(_ => cts.Cancel()), cts.Token));

        Assert.False(File.Exists(Path.Combine(_dir, SyntheticCorpus.ManifestFileName)));
        string[] files = Directory.GetFiles(_dir, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => f.EndsWith(".partial", StringComparison.Ordinal) || AtomicFile.TryParseTempName(Path.GetFileName(f), out _, out _));
        string[] videos = files.Where(f => f.EndsWith(".mp4", StringComparison.Ordinal)).ToArray();
        Assert.InRange(videos.Length, 1, 3);
        Assert.All(videos, v => Assert.Equal((40, 320, 240), ExternalTools.Probe(v)));

        // The interrupted folder is completed by the next run.
        SyntheticCorpusManifest manifest = await SyntheticCorpus.GenerateAsync(options with { Videos = 2, Frames = 8 }, _dir, null, CancellationToken.None);
        Assert.Equal(2, manifest.Videos.Count);
    }

    [SkippableFact]
    public async Task An_ffmpeg_failure_reports_its_stderr()
    {
        Skip.IfNot(ExternalTools.Available, ExternalTools.MissingReason);
        // A folder where ffmpeg must write its output makes the real binary fail.
        Directory.CreateDirectory(Path.Combine(_dir, "videos", "synth-0000.mp4.partial"));
        var e = await Assert.ThrowsAsync<FfmpegException>(() =>
            SyntheticCorpus.GenerateAsync(Small with { Videos = 1 }, _dir, null, CancellationToken.None));
        Assert.Contains("synth-0000.mp4", e.Message);
        Assert.Contains("Is a directory", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir, SyntheticCorpus.ManifestFileName)));
    }

    [Fact]
    public void Preparing_a_folder_removes_the_temporary_files_of_killed_writers_and_nothing_else()
    {
        string tracks = Directory.CreateDirectory(Path.Combine(_dir, CorpusLayout.TracksFolder)).FullName;
        string manifestTemp = Path.Combine(_dir, ".corpus.json.tmp-99-0a1b2c3d");
        string tracksTemp = Path.Combine(tracks, ".synth-0003.json.tmp-99-0a1b2c3d");
        string foreign = Path.Combine(_dir, ".notes.txt.tmp-99-0a1b2c3d");
        foreach (string file in new[] { manifestTemp, tracksTemp, foreign }) File.WriteAllText(file, "{");

        CorpusLayout.Prepare(_dir);

        Assert.False(File.Exists(manifestTemp));
        Assert.False(File.Exists(tracksTemp));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public void Reading_a_folder_without_a_corpus_fails_clearly()
    {
        Directory.CreateDirectory(_dir);
        Assert.Throws<FileNotFoundException>(() => SyntheticCorpus.ReadManifest(_dir));
        File.WriteAllText(Path.Combine(_dir, SyntheticCorpus.ManifestFileName), "{ not json");
        var e = Assert.Throws<InvalidDataException>(() => SyntheticCorpus.ReadManifest(_dir));
        Assert.Contains("corpus.json", e.Message);
    }

    [Fact]
    public void Tracks_reader_rejects_files_whose_arrays_disagree()
    {
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, """{"video":"v","width":32,"height":32,"fps":24,"frames":2,"points":[[[0,0],[1,1]]],"occluded":[[false]],"object":[0]}""");
        var e = Assert.Throws<InvalidDataException>(() => SyntheticTracks.Read(path));
        Assert.Contains("occluded[0]", e.Message);
    }

    /// <summary>Reports on the calling thread, unlike <see cref="Progress{T}"/>, so the test can act at a precise moment.</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
