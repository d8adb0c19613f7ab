using System.Globalization;
using System.Security.Cryptography;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Cache;

/// <summary>
/// The <see cref="TrackSet"/> of a pipeline: exactly the settings that change a clip's tracks, as canonical text. Thread
/// counts, buffer sizes, timeouts, trainer settings and the cache folder are left out on purpose: changing them must
/// not make the cache miss.
/// </summary>
public static class TrackSets
{
    public static TrackSet For(PipelineOptions pipeline, TrackerIdentity tracker, QuerySpec queries) =>
        new(Tracker: $"{tracker.Key}&weights={WeightsHash(pipeline.Tracker.Weights)}",
            Queries: queries.Describe(),
            Decode: Decode(pipeline.Decode, pipeline.Corpus.FrameFolderFps),
            Sampler: string.Create(CultureInfo.InvariantCulture,
                $"v{ClipSampler.Version}:frames={pipeline.Clips.FramesPerClip},stride={pipeline.Clips.Stride},clips={pipeline.Clips.ClipsPerVideo}"));

    private static string Decode(DecodeOptions d, double folderFps) => string.Create(CultureInfo.InvariantCulture,
        $"fps={Show(d.Fps)},resize={d.Resize.ToString().ToLowerInvariant()},width={Show(d.Width)},height={Show(d.Height)},shortSide={Show(d.ShortSide)},scaler={d.Scaler},folderFps={folderFps:R}");

    private static string Show(double? value) => value is null ? "none" : value.Value.ToString("R", CultureInfo.InvariantCulture);

    // Weights change a learned tracker's output whatever their file is called, so the key holds their content hash.
    private static string WeightsHash(string? path)
    {
        if (path is null) return "none";
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }
}
