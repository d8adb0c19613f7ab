using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Storage.Identity;

namespace MoSiC.Stream.Graph.Discover;

/// <summary>
/// The videos a run takes: the corpus listing, hashed (the hash index makes this a stat per file on reruns), cut to
/// the run's shard, with duplicates of the same content kept once. Hashing comes before the graph because the shard
/// and the training schedule both need to know the corpus up front; decoding, the expensive part, streams. A hash the
/// index supplied is only a hint (anyone who can write a shared cache can write the index): each one in this shard is
/// confirmed before the graph uses it, by the video's content sample against the one recorded with its tracks, or
/// by a full hash when none is recorded or they differ. A corrected hint that falls in another shard is left to it.
/// </summary>
public sealed record CorpusPlan(IReadOnlyList<VideoWork> Videos, int Listed, int OtherShards, int Duplicates, IReadOnlyList<FailureRecord> Failures)
{
    /// <param name="listing">The corpus videos.</param>
    /// <param name="hashes">The hash index (hints, and full hashes where needed).</param>
    /// <param name="shard">This run's shard.</param>
    /// <param name="recorded">The content sample recorded with a video hash's tracks (the cache's manifest), or null.</param>
    /// <param name="ct">Cancels the hashing.</param>
    public static async Task<CorpusPlan> BuildAsync(IReadOnlyList<VideoSource> listing, HashIndex hashes, ShardSpec shard, Func<string, string?> recorded, CancellationToken ct)
    {
        var videos = new List<VideoWork>();
        var failures = new List<FailureRecord>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int otherShards = 0, duplicates = 0;
        foreach (VideoSource video in listing)
        {
            string hash, sample;
            try
            {
                (hash, bool hinted) = await hashes.LookUpAsync(video, ct).ConfigureAwait(false);
                if (!shard.Contains(hash))
                {
                    otherShards++;
                    continue;
                }

                sample = await ContentSample.ComputeAsync(video, ct).ConfigureAwait(false);
                if (hinted) hash = await hashes.ConfirmAsync(video, hash, sample, recorded(hash), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add(new FailureRecord(video.Path, "hash", e.Message));
                continue;
            }

            if (!shard.Contains(hash)) otherShards++;
            else if (!seen.Add(hash)) duplicates++;
            else videos.Add(new VideoWork(video, hash) { Sample = sample });
        }

        await hashes.SaveAsync(CancellationToken.None).ConfigureAwait(false);
        return new CorpusPlan(videos, listing.Count, otherShards, duplicates, failures);
    }

    /// <summary>
    /// Clips the sampler will cut from <paramref name="video"/>: <see cref="ClipOptions.ClipsPerVideo"/> when fixed, else
    /// the cached count when the video has cached clips, else an estimate from the container's duration (the exact
    /// count needs the decoded length, which the schedule cannot wait for).
    /// </summary>
    public static async Task<int> EstimateClipsAsync(VideoWork video, PipelineOptions options, int cached, CancellationToken ct)
    {
        if (options.Clips.ClipsPerVideo > 0) return options.Clips.ClipsPerVideo;
        if (cached > 0) return cached;
        DecodeOptions decode = options.Decode;
        try
        {
            double frames;
            if (video.Source.Kind == VideoSourceKind.FrameFolder)
            {
                frames = video.Source.FrameFiles.Count * (decode.Fps ?? video.Source.FrameFolderFps) / video.Source.FrameFolderFps;
            }
            else
            {
                ProbeInfo probe = await new VideoProber().ProbeAsync(video.Source, TimeSpan.FromSeconds(decode.StallTimeoutSeconds), decode.MaxPixels, ct).ConfigureAwait(false);
                frames = probe.Duration.TotalSeconds * (decode.Fps ?? probe.Fps ?? 24);
            }

            return ClipSampler.Plan((int)Math.Max(1, Math.Floor(frames)), options.Clips).Count;
        }
        catch (VideoFailedException)
        {
            return 0; // It will fail in decode as well, with its record.
        }
    }
}
