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
    /// <summary>Videos left out because another path of the corpus has the same content, each naming the one kept.</summary>
    public IReadOnlyList<SkippedInput> DuplicatesOf { get; init; } = [];

    /// <summary>Identifies the videos of <paramref name="listing"/> and cuts them to <paramref name="shard"/>.</summary>
    /// <param name="listing">The corpus videos.</param>
    /// <param name="hashes">The hash index (hints, and full hashes where needed).</param>
    /// <param name="shard">This run's shard.</param>
    /// <param name="recorded">The content sample recorded with a video hash's tracks (the cache's manifest), or null.</param>
    /// <param name="readTimeout">How long identifying one video may take before it is a failure (a stalled network
    /// mount never returns from a read, and a blocked read cannot be cancelled: the run moves on without it).</param>
    /// <param name="ct">Cancels the hashing.</param>
    /// <param name="progress">Told how far it has come every <paramref name="every"/> (big corpora take minutes to hash).</param>
    /// <param name="every">How often to tell <paramref name="progress"/>; <see cref="HashingProgress.Every"/> unless given.</param>
    public static async Task<CorpusPlan> BuildAsync(IReadOnlyList<VideoSource> listing, HashIndex hashes, ShardSpec shard, Func<string, string?> recorded,
        TimeSpan readTimeout, CancellationToken ct, Action<HashingProgress>? progress = null, TimeSpan? every = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan reported = TimeSpan.Zero;
        int done = 0;
        var videos = new List<VideoWork>();
        var failures = new List<FailureRecord>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var duplicatesOf = new List<SkippedInput>();
        int otherShards = 0, duplicates = 0;
        foreach (VideoSource video in listing)
        {
            if (progress is not null && clock.Elapsed - reported >= (every ?? HashingProgress.Every))
            {
                reported = clock.Elapsed;
                progress(new HashingProgress(done, listing.Count, hashes.BytesHashed, reported));
            }

            done++;
            string hash;
            string? sample;
            try
            {
                (hash, sample) = await IdentifyAsync(video, hashes, shard, recorded, ct).WaitAsync(readTimeout, ct).ConfigureAwait(false);
                if (sample is null)
                {
                    otherShards++;
                    continue;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add(new FailureRecord(video.Path, "hash", e.Message));
                continue;
            }
            catch (TimeoutException)
            {
                failures.Add(new FailureRecord(video.Path, "hash", $"{video.Path}: reading it gave nothing for {readTimeout.TotalSeconds:0} s (decode.stallTimeoutSeconds): a stalled mount or a file that never ends"));
                continue;
            }

            if (!shard.Contains(hash)) otherShards++;
            else if (seen.TryGetValue(hash, out string? kept))
            {
                duplicates++;
                duplicatesOf.Add(new SkippedInput(video.Path, $"same content as {kept}"));
            }
            else
            {
                seen[hash] = video.Path;
                videos.Add(new VideoWork(video, hash) { Sample = sample });
            }
        }

        await hashes.SaveAsync(CancellationToken.None).ConfigureAwait(false);
        return new CorpusPlan(videos, listing.Count, otherShards, duplicates, failures) { DuplicatesOf = duplicatesOf };
    }

    // The video's content hash, confirmed when it came from the index's hint, and its content sample; a null sample
    // when the hash falls in another shard (that shard confirms it).
    private static async Task<(string Hash, string? Sample)> IdentifyAsync(VideoSource video, HashIndex hashes, ShardSpec shard, Func<string, string?> recorded, CancellationToken ct)
    {
        (string hash, bool hinted) = await hashes.LookUpAsync(video, ct).ConfigureAwait(false);
        if (!shard.Contains(hash)) return (hash, null);
        string sample = await ContentSample.ComputeAsync(video, ct).ConfigureAwait(false);
        if (hinted) hash = await hashes.ConfirmAsync(video, hash, sample, recorded(hash), ct).ConfigureAwait(false);
        return (hash, sample);
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
