using System.Diagnostics;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Eval.Tracking;

/// <summary>One tracker's result on one sequence.</summary>
/// <param name="Sequence">Sequence name.</param>
/// <param name="Tracker">Tracker name.</param>
/// <param name="Metrics">TAP-Vid metrics.</param>
/// <param name="Tracks">The tracks (B = 1), for overlays.</param>
/// <param name="Elapsed">Wall time of the tracker call alone.</param>
public sealed record SequenceScore(string Sequence, string Tracker, TapVidMetrics Metrics, TrackResult Tracks, TimeSpan Elapsed);

/// <summary>Runs trackers on ground-truth sequences: decode at native size, track the ground truth's queries, score.</summary>
public static class TrackAccuracy
{
    /// <summary>
    /// Decodes the frames of <paramref name="truth"/> (at most <paramref name="maxFrames"/>) and returns them with the ground
    /// truth cut to the frames actually decoded. Frames must have the ground truth's size.
    /// </summary>
    public static async Task<(DecodedVideo Video, TrackingGroundTruth Truth)> LoadAsync(TrackingGroundTruth truth, int maxFrames, int ffmpegThreads, CancellationToken ct)
    {
        DecodedVideo video = await DecodedVideo.LoadAsync(truth.Source, new DecodeOptions(), Math.Min(maxFrames, truth.Frames), ffmpegThreads, ct).ConfigureAwait(false);
        if (video.Width != truth.Width || video.Height != truth.Height)
        {
            video.Dispose();
            throw new InvalidDataException($"{truth.Source.Path}: frames decode at {video.Width}×{video.Height}, the ground truth of {truth.Name} is for {truth.Width}×{truth.Height}");
        }

        return (video, truth.Truncate(video.Frames.Count));
    }

    /// <summary>Tracks the queries of <paramref name="truth"/> through <paramref name="video"/> and scores the result.</summary>
    public static async Task<SequenceScore> ScoreAsync(IPointTracker tracker, TrackingGroundTruth truth, DecodedVideo video, CancellationToken ct)
    {
        var origin = new ClipOrigin(truth.Source.Path, [.. video.Frames.Take(truth.Frames).Select(f => f.Timestamp.TotalSeconds)]);
        var batch = new ClipBatch(video.Width, video.Height, [new TrackClip(truth.Name, video.Pixels.Take(truth.Frames).ToArray(), origin)]);
        var clock = Stopwatch.StartNew();
        TrackResult tracks = await tracker.TrackAsync(batch, QuerySpec.Explicit(truth.Queries), ct).ConfigureAwait(false);
        clock.Stop();
        return new SequenceScore(truth.Name, tracker.Identity.Name, TapVidMetrics.Compute(truth, tracks), tracks, clock.Elapsed);
    }
}
