using System.Diagnostics;
using System.Globalization;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Augment;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Train.Persist;
using MoSiC.Stream.Model.Vit;
using MoSiC.Stream.Runner.Track;
using MoSiC.Stream.Stages.Decode;
using MoSiC.Stream.Stages.Discover;
using MoSiC.Stream.Stages.Encode;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;
using static TorchSharp.torch;

namespace MoSiC.Stream.Runner.Train;

/// <summary>
/// <c>mosic-stream train [PIPELINE]</c>: MoSiC training from the trajectory cache. The tracker is only built for its
/// identity (which cache partition to read), never run. Clips are shuffled per epoch and augmented per clip from
/// generators derived from the seed, a checkpoint is written after every epoch, and a rerun continues from the latest.
/// </summary>
internal static class TrainCorpusRun
{
    public static async Task<int> RunAsync(string? pipelinePath, CancellationToken ct)
    {
        if (TrackSetup.TryLoad(pipelinePath, null, out PipelineOptions options, out IPointTracker? loaded) is { } error) return TrackSetup.Fail(error);
        TrainClip[] clips;
        await using (IPointTracker tracker = loaded!)
        {
            try
            {
                clips = await ClipsAsync(options, tracker, ct);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or FfmpegException or UnauthorizedAccessException)
            {
                return TrackSetup.Fail(e.Message);
            }
        }
        if (clips.Length == 0)
            return TrackSetup.Fail($"the trajectory cache {options.Cache.Dir} holds no clips for this pipeline's corpus and tracker settings: run mosic-stream track first");

        TrainerOptions t = options.Trainer;
        TorchRuntime.EnsureLoaded();
        TorchRuntime.SetThreads(options.Runtime.Threads.Torch);
        int batchSize = Math.Min(t.BatchSize, clips.Length);
        int stepsPerEpoch = (clips.Length + batchSize - 1) / batchSize;
        var trainerOptions = TrainerSettings.From(t, (long)stepsPerEpoch * t.Epochs);
        int grid = t.ImageSize / trainerOptions.Vit.PatchSize;
        var augment = new ClipAugmentOptions { OutputSize = t.ImageSize, GridSize = grid, MaxPoints = grid * grid }.Validated();

        using var trainer = new MosicTrainer(trainerOptions, t.Init);
        var position = new TrainPosition(0, 0, 0, t.Seed);
        Directory.CreateDirectory(t.CheckpointDir);
        if (CheckpointFiles.Latest(t.CheckpointDir) is { } latest)
        {
            try
            {
                position = TrainCheckpoint.Resume(trainer, latest);
            }
            catch (Exception e) when (e is InvalidDataException or KeyNotFoundException)
            {
                return TrackSetup.Fail($"cannot resume from {latest}: {e.Message} (move the checkpoint folder away to start over)");
            }
            Console.WriteLine($"resumed from {latest} at step {position.Step} (epoch {position.Epoch + 1}, batch {position.NextBatch + 1})");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train {trainerOptions.Vit.Name} on {trainer.Device.type}: {clips.Length} clips, batch {batchSize}, {stepsPerEpoch} steps × {t.Epochs} epochs = {trainerOptions.TotalSteps} steps; checkpoints in {t.CheckpointDir}"));

        await WriteRunInfoAsync(options, trainerOptions, batchSize, clips.Length, trainer.Device.type.ToString(), ct);
        var loader = new ClipBatchLoader(options, augment);
        var log = new TrainLog(CheckpointFiles.Log(t.CheckpointDir), position.Step);
        try
        {
            for (int epoch = position.Epoch; epoch < t.Epochs; epoch++)
            {
                int[] order = DataOrder.Shuffle(clips.Length, position.DataSeed, epoch);
                int first = epoch == position.Epoch ? position.NextBatch : 0;
                for (int b = first; b < stepsPerEpoch; b++)
                {
                    ct.ThrowIfCancellationRequested();
                    var clock = Stopwatch.StartNew();
                    var members = Enumerable.Range(b * batchSize, Math.Min(batchSize, clips.Length - b * batchSize))
                        .Select(slot => (clips[order[slot]], DataOrder.ForClip(position.DataSeed, epoch, slot))).ToList();
                    using TrainBatch? batch = await loader.LoadAsync(members, f => Console.WriteLine($"  failed {f}; that clip is left out"), ct);
                    if (batch is null)
                    {
                        Console.WriteLine($"batch {b + 1} of epoch {epoch + 1} skipped: none of its clips could be decoded");
                        continue;
                    }

                    double loadSeconds = clock.Elapsed.TotalSeconds;
                    TrainStepResult r = trainer.Step(batch);
                    double seconds = clock.Elapsed.TotalSeconds;
                    log.Append(r, epoch + 1, seconds);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"step {r.Step}/{trainerOptions.TotalSteps} epoch {epoch + 1}: loss {r.Loss:F4} lr {r.LearningRateHead:E2} label entropy {r.LabelEntropy:F3} prototypes {r.PrototypesUsed}/{trainerOptions.Prototypes} ({seconds:F2} s, data {loadSeconds:F2} s)"));
                }
                position = new TrainPosition(trainer.StepsTaken, epoch + 1, 0, position.DataSeed);
                string path = CheckpointFiles.ForEpoch(t.CheckpointDir, epoch + 1);
                TrainCheckpoint.Save(trainer, path, position);
                Console.WriteLine($"checkpoint {path}");
            }

            BackboneExport.WritePth(trainer.Student, CheckpointFiles.Backbone(t.CheckpointDir, ".pth"));
            BackboneExport.WriteSafetensors(trainer.Student, CheckpointFiles.Backbone(t.CheckpointDir, ".safetensors"));
            Console.WriteLine($"trained {trainer.StepsTaken} of {trainerOptions.TotalSteps} steps; student backbone in {CheckpointFiles.Backbone(t.CheckpointDir, ".pth")} and .safetensors; log {log.Path}");
        }
        finally
        {
            log.Dispose();
            // Also on a failed or cancelled run: the plot shows how far it got.
            PlotLoss(t.CheckpointDir);
        }

        return 0;
    }

    private static void PlotLoss(string dir)
    {
        try
        {
            if (File.Exists(CheckpointFiles.Log(dir)) && LossPlot.Write(CheckpointFiles.Log(dir), CheckpointFiles.LossPlot(dir)))
                Console.WriteLine($"loss plot {CheckpointFiles.LossPlot(dir)}");
        }
        catch (Exception e) when (e is IOException or FormatException or DllNotFoundException or TypeInitializationException)
        {
            // A missing plot must not turn a finished run into a failed one (nor hide the error that ended it).
            Console.Error.WriteLine($"warning: no loss plot: {e.Message}");
        }
    }

    // Every cached clip of a corpus video for this pipeline's track set, in clip-key order (the order the seed shuffles).
    private static async Task<TrainClip[]> ClipsAsync(PipelineOptions options, IPointTracker tracker, CancellationToken ct)
    {
        TrackSet set = TrackSets.For(options, tracker, QuerySpec.Grid(options.Tracker.Grid));
        if (!Directory.Exists(options.Cache.Dir)) return [];
        TrajectoryCache cache = TrajectoryCache.Open(options.Cache.Dir);
        HashIndex hashes = HashIndex.Load(cache.Dir);
        var videos = new Dictionary<string, Core.Media.VideoSource>(StringComparer.Ordinal);
        if (Directory.Exists(options.Corpus.ResolvedRoot))
        {
            foreach (var video in CorpusDiscovery.Discover(options.Corpus, options.Corpus.ResolvedRoot).Videos)
                videos.TryAdd(await hashes.HashAsync(video, ct), video);
            await hashes.SaveAsync(CancellationToken.None);
        }
        var clips = new List<TrainClip>();
        await foreach (CachedClip clip in cache.ReadAsync(set, null, ct))
            if (videos.TryGetValue(clip.VideoHash, out var video))
                clips.Add(new TrainClip(clip, video));
        return clips.OrderBy(c => c.Tracks.ClipKey, StringComparer.Ordinal).ToArray();
    }

    // What a reader of the results needs to interpret them: above all the batch, because Sinkhorn's equipartition is
    // over the batch and a smaller one solves a different problem than the paper's 64 clips.
    private static async Task WriteRunInfoAsync(PipelineOptions options, MosicTrainerOptions trainer, int batchSize, int clips, string device, CancellationToken ct)
    {
        TrainerOptions t = options.Trainer;
        var info = new
        {
            pipeline = options.Name,
            startedUtc = DateTime.UtcNow,
            device,
            model = trainer.Vit.Name,
            init = t.Init,
            imageSize = t.ImageSize,
            sinkhornBatchClips = batchSize,
            sinkhornNote = "Sinkhorn equipartitions over every point of every frame of the clips in one step; MoSiC's paper setting is 64 clips",
            clips,
            epochs = t.Epochs,
            totalSteps = trainer.TotalSteps,
            loss = t.Loss,
            targets = t.Targets,
            sampling = t.Sampling,
            referenceSwapXY = t.ReferenceSwapXY,
            studentMaskRatio = t.StudentMaskRatio,
            learningRates = new { backbone = t.LearningRateBackbone, head = t.LearningRateHead },
            t.WeightDecay,
            t.EmaMomentum,
            t.Prototypes,
            t.TrainableBlocks,
            t.SinkhornEpsilon,
            t.SinkhornIterations,
            t.Temperature,
            t.Seed,
            torchThreads = options.Runtime.Threads.Torch,
        };
        string path = Path.Combine(t.CheckpointDir, "run.json");
        await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(info, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), ct);
    }
}
