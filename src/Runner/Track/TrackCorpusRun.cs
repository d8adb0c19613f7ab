using System.Diagnostics;
using System.Globalization;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Runner.Cli;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Stages.Encode;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;

namespace MoSiC.Stream.Runner.Track;

/// <summary>
/// <c>mosic-stream track [PIPELINE]</c>: precomputes the corpus's tracks into the cache. Each video is hashed (content,
/// with a size and mtime fast path), decoded and cut into clips; clips whose key is already in the cache are skipped;
/// the rest are tracked in batches of <see cref="TrackerOptions.BatchSize"/> and written as one atomic part per batch.
/// An interrupted run loses at most the batch in flight; a rerun, or a run after videos were added, tracks only what is
/// missing. One video at a time is decoded here; the bounded streaming graph is the runner's job.
/// </summary>
internal static class TrackCorpusRun
{
    public static async Task<int> RunAsync(string? pipelinePath, CancellationToken ct)
    {
        if (TrackSetup.TryLoad(pipelinePath, null, out PipelineOptions options, out IPointTracker? loaded) is { } error) return TrackSetup.Fail(error);
        await using IPointTracker tracker = loaded!;
        Console.WriteLine($"pipeline {options.Name} ({pipelinePath ?? "embedded sample.json"}): tracker {tracker.Identity.Key}");

        CorpusListing listing;
        try
        {
            await SyntheticStep.EnsureAsync(options.Corpus, ct);
            listing = CorpusDiscovery.Discover(options.Corpus, options.Corpus.ResolvedRoot);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FfmpegException)
        {
            return TrackSetup.Fail(e.Message);
        }

        QuerySpec queries = QuerySpec.Grid(options.Tracker.Grid);
        TrackSet set = TrackSets.For(options, tracker, queries);
        TrajectoryCache cache = TrajectoryCache.Open(options.Cache.Dir);
        HashIndex hashes = HashIndex.Load(cache.Dir);
        var finished = new HashSet<string>(cache.FinishedClips(set), StringComparer.Ordinal);
        Console.WriteLine($"cache {cache.Dir}, partition tracker={set.Id}: {finished.Count} clips already tracked");

        var batcher = new ClipBatcher(tracker, queries, cache, set, options.Tracker.BatchSize);
        var failures = new List<FailureRecord>();
        int cachedClips = 0, videosDone = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (VideoSource video in listing.Videos)
            {
                try
                {
                    string hash = await hashes.HashAsync(video, ct);
                    DecodedVideo decoded = await DecodedVideo.LoadAsync(video, options.Decode, int.MaxValue, options.Runtime.Threads.FfmpegThreads, ct,
                        maxBytes: (long)options.Runtime.Buffers.FrameMegabytes << 20);
                    IReadOnlyList<ClipPlan> plans = ClipSampler.Plan(decoded.Frames.Count, options.Clips);
                    var todo = plans.Select((plan, i) => new PendingClip(decoded, hash, i, plan, set.ClipKey(hash, i, plan.FrameIndices)))
                        .Where(c => !finished.Contains(c.Key)).ToArray();
                    cachedClips += plans.Count - todo.Length;
                    Console.WriteLine($"  {video.Name}: {decoded.Frames.Count} frames, {plans.Count} clips ({todo.Length} to track, {plans.Count - todo.Length} cached)");
                    await batcher.AddAsync(decoded, todo, ct);
                    videosDone++;
                }
                catch (VideoFailedException e)
                {
                    failures.Add(e.Record);
                    Console.WriteLine($"  failed {video.Name}: {e.Record.Stage}: {e.Record.Reason}");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failures.Add(new FailureRecord(video.Path, "hash", e.Message));
                    Console.WriteLine($"  failed {video.Name}: hash: {e.Message}");
                }
            }

            await batcher.FlushAsync(ct);
        }
        finally
        {
            batcher.Dispose();
            await hashes.SaveAsync(CancellationToken.None);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tracked {batcher.TrackedClips} clips in {batcher.Batches} batches, {cachedClips} already cached; {videosDone} of {listing.Videos.Count} videos, {failures.Count} failed; " +
            $"{clock.Elapsed.TotalSeconds:0.0} s ({batcher.PointFrames / Math.Max(batcher.TrackSeconds, 1e-6):0} point-frames/s in the tracker); {hashes.Hashed} videos hashed from their bytes"));
        foreach (FailureRecord failure in failures) Console.WriteLine($"  {failure}");
        return videosDone > 0 ? 0 : 1;
    }
}
