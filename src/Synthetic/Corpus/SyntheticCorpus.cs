using System.Text.Json;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Core.Options;

namespace MoSiC.Stream.Synthetic;

/// <summary>
/// Generates and reads the synthetic video corpus: OUT/corpus.json, OUT/videos/NAME.mp4,
/// OUT/Annotations/NAME/00000.png (DAVIS palette masks) and OUT/tracks/NAME.json (point tracks).
/// </summary>
public static class SyntheticCorpus
{
    /// <summary>File name of the manifest inside a corpus folder.</summary>
    public const string ManifestFileName = CorpusLayout.ManifestFile;

    /// <summary>
    /// Renders the corpus into <paramref name="outDir"/>, or returns the existing manifest when the
    /// folder already holds a complete corpus made with the same options.
    /// </summary>
    public static async Task<SyntheticCorpusManifest> GenerateAsync(
        SynthOptions options, string outDir, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        string root = Path.GetFullPath(outDir);
        string manifestPath = Path.Combine(root, ManifestFileName);

        if (ExistingCorpus(root, options) is { } existing)
        {
            progress?.Report($"corpus in {root} is up to date ({existing.Videos.Count} videos)");
            return existing;
        }

        // The manifest goes first: without it a half-rewritten folder can never pass as complete.
        Directory.CreateDirectory(root);
        File.Delete(manifestPath);
        CorpusLayout.Prepare(root);

        var entries = new SyntheticVideoEntry[options.Videos];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Videos), parallel, async (index, token) =>
            entries[index] = await VideoGenerator.GenerateAsync(options, index, root, progress, token).ConfigureAwait(false))
            .ConfigureAwait(false);

        var manifest = new SyntheticCorpusManifest
        {
            Generator = SyntheticCorpusManifest.CurrentGenerator,
            Seed = options.Seed,
            Options = options,
            Videos = entries,
        };
        AtomicFile.Write(manifestPath, JsonSerializer.SerializeToUtf8Bytes(manifest, CorpusJson.Indented));
        progress?.Report($"corpus written to {root} ({entries.Length} videos)");
        return manifest;
    }

    /// <summary>Reads <c>corpus.json</c> from a corpus folder.</summary>
    public static SyntheticCorpusManifest ReadManifest(string dir)
    {
        string path = Path.Combine(dir, ManifestFileName);
        try
        {
            using FileStream stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<SyntheticCorpusManifest>(stream, CorpusJson.Indented)
                ?? throw new InvalidDataException($"{path}: manifest is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a corpus manifest: {e.Message}", e);
        }
    }

    /// <summary>The manifest in <paramref name="root"/> if it is complete, current and made with the same options.</summary>
    private static SyntheticCorpusManifest? ExistingCorpus(string root, SynthOptions options)
    {
        if (!File.Exists(Path.Combine(root, ManifestFileName)))
        {
            return null;
        }

        SyntheticCorpusManifest manifest;
        try
        {
            manifest = ReadManifest(root);
        }
        catch (InvalidDataException)
        {
            return null;
        }

        bool current = manifest.Generator == SyntheticCorpusManifest.CurrentGenerator
            && manifest.Options is not null
            && manifest.Options.DescribesSameCorpusAs(options)
            && manifest.Videos?.Count == options.Videos;
        bool filesPresent = current && manifest.Videos!.All(v =>
            File.Exists(CorpusLayout.Resolve(root, v.File))
            && File.Exists(CorpusLayout.Resolve(root, v.Tracks))
            && Directory.Exists(CorpusLayout.Resolve(root, v.Annotations)));
        return filesPresent ? manifest : null;
    }
}
