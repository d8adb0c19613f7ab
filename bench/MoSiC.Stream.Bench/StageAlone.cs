using System.Diagnostics;
using MoSiC.Stream.Core.Media;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Cache;
using MoSiC.Stream.Graph.Decode;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Replay;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Augment;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Decode.Timeline;
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
    /// <summary>
    /// Decode and cut every video as DecodeStep does: plan from the probe (<see cref="PacketProbe"/> where the count
    /// matters), decode only the clips' frames (<see cref="DecodeSegments"/>, <see cref="FrameReader"/>), assemble
    /// clips (<see cref="ClipAssembler"/>).
    /// </summary>
    public static async Task<(double Seconds, List<CutClip> Clips)> DecodeAsync(PipelineOptions o, IReadOnlyList<VideoSource> videos, CancellationToken ct)
    {
        var clips = new List<CutClip>();
        var reader = new FrameReader();
        var clock = Stopwatch.StartNew();
        foreach (VideoSource source in videos)
        {
            ProbeInfo probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(o.Decode.StallTimeoutSeconds), o.Decode.MaxPixels, ct);
            FrameTimeline estimate = FrameTimeline.Estimate(probe, o.Decode);
            FrameTimeline timeline = source.Kind == VideoSourceKind.FrameFolder ? FrameTimeline.ForFolder(source, o.Decode)
                : VideoPlanner.CountMatters(o.Clips, estimate.Count) ? await PacketProbe.ProbeAsync(source, probe, o.Decode, ct) : estimate;
            IReadOnlyList<ClipPlan> plans = ClipSampler.Plan(timeline.Count, o.Clips);
            var video = new VideoWork(source, Hash(source));
            var cut = new VideoCut(video, timeline.Count, plans, [.. plans.Select((_, i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                [.. plans.Select(_ => ClipNeed.Track)]) { Probe = probe, Timeline = timeline, Checked = !VideoPlanner.CountMatters(o.Clips, timeline.Count) };
            int[] all = [.. Enumerable.Range(0, plans.Count)];
            using var assembler = new ClipAssembler([.. all.Select(i => (i, plans[i]))]);
            foreach (FrameSegment segment in DecodeSegments.Plan(cut, all, !cut.Checked))
            {
                await foreach (VideoFrame frame in reader.ReadAsync(source, probe, o.Decode, o.Runtime.Threads.FfmpegThreads, segment, assembler.Wants, ct))
                {
                    using (frame)
                    {
                        foreach (var done in assembler.Add(frame)) clips.Add(new CutClip(source, done.Index, done.Plan, done.Times, done.Pixels));
                    }
                }
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
    /// Reads each cached clip back and decodes its frames (as ReplayStep: only the clip's frames, streamed from the
    /// start, as a video without a plan record is); returns the clips ready for the trainer.
    /// </summary>
    public static async Task<(double Seconds, List<ReadyClip> Clips)> ReplayAsync(PipelineOptions o, TrajectoryCache cache, TrackSet set, CancellationToken ct)
    {
        IReadOnlyDictionary<string, string> finished = cache.FinishedClipVideos(set);
        var ready = new List<ReadyClip>();
        var reader = new FrameReader();
        var clock = Stopwatch.StartNew();
        foreach (var (key, hash) in finished.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            CachedClip? tracks = null;
            await foreach (CachedClip c in cache.ReadAsync(set, hash, ct))
            {
                if (c.ClipKey == key) tracks = c;
            }

            if (tracks is null) throw new InvalidOperationException($"cached clip {key} could not be read back");
            var source = VideoSource.FromFile(tracks.VideoPath);
            ProbeInfo probe = await new VideoProber().ProbeAsync(source, TimeSpan.FromSeconds(o.Decode.StallTimeoutSeconds), o.Decode.MaxPixels, ct);
            var plan = new ClipPlan(tracks.FrameIndices[0], 1, tracks.FrameIndices);
            using var assembler = new ClipAssembler([(tracks.ClipIndex, plan)]);
            await foreach (VideoFrame frame in reader.ReadAsync(source, probe, o.Decode, o.Runtime.Threads.FfmpegThreads, new FrameSegment(0, tracks.FrameIndices.Max(), null, null), assembler.Wants, ct))
            {
                using (frame)
                {
                    foreach (var done in assembler.Add(frame)) ready.Add(new ReadyClip(tracks.VideoPath, tracks, done.Pixels, 1, ready.Count));
                }
            }
        }

        return (clock.Elapsed.TotalSeconds, ready);
    }

    /// <summary>
    /// The train stage's work per batch, as TrainSession does it: <see cref="ClipBatchBuilder.Build"/> (pixels to
    /// tensors, resize, augment) and <see cref="MosicTrainer.Step"/>, on the pipeline's model, batch size and torch
    /// threads. One warm-up step, then <paramref name="steps"/> timed; returns seconds and CPU seconds per step and the batch size.
    /// </summary>
    public static (double SecondsPerStep, int Batch, double CpuPerStep) Train(PipelineOptions o, IReadOnlyList<ReadyClip> clips, int steps)
    {
        TrainerOptions t = o.Trainer;
        TorchRuntime.EnsureLoaded();
        TorchRuntime.SetThreads(o.Runtime.Threads.Torch);
        int batch = Math.Clamp(clips.Count, 1, t.BatchSize);
        MosicTrainerOptions settings = TrainerSettings.From(t, steps + 1);
        var builder = new ClipBatchBuilder(TrainSession.AugmentOptions(t.ImageSize, settings.Vit.PatchSize), TrackControl.Parse(t.TrackControl), t.ClipSource == "image-pairs");
        using var trainer = new MosicTrainer(settings, ComputeDevices.Resolve(o.Runtime.Device, TorchRuntime.CudaVisible).ToTorch(), t.Init);
        var clock = new Stopwatch();
        double cpu = 0;
        for (int s = 0; s <= steps; s++)
        {
            if (s == 1)
            {
                clock.Start();
                cpu = CpuClock.Seconds();
            }

            var chosen = Enumerable.Range(s * batch, batch).Select(slot => new ClipDraw(clips[slot % clips.Count], DataOrder.ForClip(t.Seed, 0, slot), DataOrder.ForTrackControl(t.Seed, 0, slot))).ToList();
            using TrainBatch data = builder.Build(chosen).Batch ?? throw new InvalidOperationException("no clip of the batch kept a tracked point");
            trainer.Step(data);
        }

        return (clock.Elapsed.TotalSeconds / steps, batch, (CpuClock.Seconds() - cpu) / steps);
    }

    // The cache keys clips by content hash; for the stage alone any stable name per video will do.
    private static string Hash(VideoSource source) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source.Path)));
}
