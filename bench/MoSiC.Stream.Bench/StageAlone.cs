using System.Diagnostics;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Replay;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Augment;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Training;

namespace MoSiC.Stream.Bench;

/// <summary>A clip cut from a decoded video, as the sample step cuts it, with what the track and write steps need to know about it.</summary>
internal sealed record CutClip(VideoSource Source, int Index, ClipPlan Plan, double[] Times, ClipPixels Pixels);

/// <summary>
/// Each stage of the streaming graph alone, on one thread budget, with the pieces the graph's steps call: the clock
/// covers what the step does per item (decode and cut; track a batch; write a part; read a cached clip back and decode
/// its frames; build a batch and step the trainer). Rates are clips per second.
/// </summary>
internal static class StageAlone
{
    /// <summary>Decode (<see cref="DecodedVideo.LoadAsync"/>, as DecodeStep) and cut (<see cref="ClipSampler"/>, <see cref="ClipPixels.Copy"/>, as SampleStep) every video.</summary>
    public static async Task<(double Seconds, List<CutClip> Clips)> DecodeAsync(PipelineOptions o, IReadOnlyList<VideoSource> videos, CancellationToken ct)
    {
        var clips = new List<CutClip>();
        var clock = Stopwatch.StartNew();
        foreach (VideoSource source in videos)
        {
            using DecodedVideo video = await DecodedVideo.LoadAsync(source, o.Decode, int.MaxValue, o.Runtime.Threads.FfmpegThreads, ct,
                maxBytes: o.Runtime.Buffers.FrameMegabytes * (1L << 20));
            IReadOnlyList<ClipPlan> plans = ClipSampler.Plan(video.Frames.Count, o.Clips);
            for (int i = 0; i < plans.Count; i++)
            {
                double[] times = plans[i].FrameIndices.Select(f => video.Frames[f].Timestamp.TotalSeconds).ToArray();
                clips.Add(new CutClip(source, i, plans[i], times, ClipPixels.Copy(video, plans[i])));
            }
        }

        return (clock.Elapsed.TotalSeconds, clips);
    }

    /// <summary>Tracks <paramref name="clips"/> in batches of tracker.batchSize with the tracker the graph builds, and turns the results into cache rows (as TrackStep).</summary>
    public static async Task<(double Seconds, List<CachedClip[]> Parts)> TrackAsync(PipelineOptions o, TrackSet set, IReadOnlyList<CutClip> clips, CancellationToken ct)
    {
        var queries = QuerySpec.Grid(o.Tracker.Grid);
        var parts = new List<CachedClip[]>();
        var clock = Stopwatch.StartNew();
        await using IPointTracker tracker = TrackerFactory.Create(o.Tracker, o.Runtime.Threads.Tracker);
        foreach (CutClip[] chunk in clips.Chunk(o.Tracker.BatchSize))
        {
            CutClip first = chunk[0];
            var batch = new ClipBatch(first.Pixels.Width, first.Pixels.Height,
                chunk.Select(c => new TrackClip($"{c.Source.Name}#{c.Index}", Enumerable.Range(0, c.Pixels.Frames.Count).Select(c.Pixels.Frame).ToArray())).ToArray());
            TrackResult result = await tracker.TrackAsync(batch, queries, ct);
            parts.Add(chunk.Select((c, b) => CachedClips.From(set, result, b, Hash(c.Source), c.Source.Path, c.Index,
                [.. c.Plan.FrameIndices], c.Times, c.Pixels.Width, c.Pixels.Height)).ToArray());
        }

        return (clock.Elapsed.TotalSeconds, parts);
    }

    /// <summary>Writes each tracked batch as one part of a fresh cache (as WriteStep).</summary>
    public static async Task<double> WriteAsync(string dir, TrackSet set, IReadOnlyList<CachedClip[]> parts, CancellationToken ct)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        TrajectoryCache cache = TrajectoryCache.Open(dir);
        var clock = Stopwatch.StartNew();
        foreach (CachedClip[] part in parts) await cache.WriteAsync(set, part, ct);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Reads each cached clip back and decodes its video as far as its last frame (as ReplayStep, for the epochs after
    /// the streamed one); returns the clips ready for the trainer.
    /// </summary>
    public static async Task<(double Seconds, List<ReadyClip> Clips)> ReplayAsync(PipelineOptions o, TrajectoryCache cache, TrackSet set, CancellationToken ct)
    {
        IReadOnlyDictionary<string, string> finished = cache.FinishedClipVideos(set);
        var ready = new List<ReadyClip>();
        var clock = Stopwatch.StartNew();
        foreach (var (key, hash) in finished.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            CachedClip? tracks = null;
            await foreach (CachedClip c in cache.ReadAsync(set, hash, ct))
            {
                if (c.ClipKey == key) tracks = c;
            }

            if (tracks is null) throw new InvalidOperationException($"cached clip {key} could not be read back");
            int last = tracks.FrameIndices.Max();
            using DecodedVideo video = await DecodedVideo.LoadAsync(VideoSource.FromFile(tracks.VideoPath), o.Decode, last + 1, o.Runtime.Threads.FfmpegThreads, ct,
                maxBytes: o.Runtime.Buffers.FrameMegabytes * (1L << 20));
            var plan = new ClipPlan(tracks.FrameIndices[0], 1, tracks.FrameIndices);
            ready.Add(new ReadyClip(tracks.VideoPath, tracks, ClipPixels.Copy(video, plan), 1, ready.Count));
        }

        return (clock.Elapsed.TotalSeconds, ready);
    }

    /// <summary>
    /// The train stage's work per batch, as TrainSession does it: <see cref="ClipBatchBuilder.Build"/> (pixels to
    /// tensors, resize, augment) and <see cref="MosicTrainer.Step"/>, on the pipeline's model, batch size and torch
    /// threads. One warm-up step, then <paramref name="steps"/> timed; returns seconds per step and the batch size.
    /// </summary>
    public static (double SecondsPerStep, int Batch) Train(PipelineOptions o, IReadOnlyList<ReadyClip> clips, int steps)
    {
        TrainerOptions t = o.Trainer;
        TorchRuntime.EnsureLoaded();
        TorchRuntime.SetThreads(o.Runtime.Threads.Torch);
        int batch = Math.Clamp(clips.Count, 1, t.BatchSize);
        MosicTrainerOptions settings = TrainerSettings.From(t, steps + 1);
        var builder = new ClipBatchBuilder(TrainSession.AugmentOptions(t.ImageSize, settings.Vit.PatchSize), TrackControl.Parse(t.TrackControl), t.ClipSource == "image-pairs");
        using var trainer = new MosicTrainer(settings, ComputeDevices.Resolve(o.Runtime.Device, TorchRuntime.CudaVisible).ToTorch(), t.Init);
        var clock = new Stopwatch();
        for (int s = 0; s <= steps; s++)
        {
            if (s == 1) clock.Start();
            var chosen = Enumerable.Range(s * batch, batch).Select(slot => new ClipDraw(clips[slot % clips.Count], DataOrder.ForClip(t.Seed, 0, slot), DataOrder.ForTrackControl(t.Seed, 0, slot))).ToList();
            using TrainBatch data = builder.Build(chosen).Batch ?? throw new InvalidOperationException("no clip of the batch kept a tracked point");
            trainer.Step(data);
        }

        return (clock.Elapsed.TotalSeconds / steps, batch);
    }

    // The cache keys clips by content hash; for the stage alone any stable name per video will do.
    private static string Hash(VideoSource source) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source.Path)));
}
