using System.Diagnostics;
using System.Globalization;
using System.Text;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Graph.Replay;
using MoSiC.Stream.Graph.Train;
using MoSiC.Stream.Model;
using MoSiC.Stream.Model.Augment;
using MoSiC.Stream.Model.Train;
using MoSiC.Stream.Model.Train.Persist;
using TorchSharp;

namespace MoSiC.Stream.Training;

/// <summary>Training could not start: the message says why and what to do.</summary>
public sealed class TrainSetupException(string message) : Exception(message);

/// <summary>
/// The trainer's side of a run: the model, its checkpoints, its log. Clips arrive with their place in the data order
/// (<see cref="ReadyClip.Epoch"/>, <see cref="ReadyClip.Slot"/>); batch k of an epoch is slots kB … kB + B − 1, and
/// the streamed first epoch numbers clips as they arrive. A checkpoint is written at the end of every epoch and when
/// the run is interrupted; for the streamed epoch it also holds the keys of the clips already trained on, so a resumed
/// run feeds each remaining clip once and none twice.
/// </summary>
public sealed class TrainSession : IClipTrainer, IDisposable
{
    private readonly PipelineOptions _options;
    private readonly RunCounters _counters;
    private readonly Action<string> _log;
    private readonly MosicTrainer _trainer;
    private readonly ClipBatchBuilder _builder;
    private readonly TrainLog _trainLog;
    private readonly List<(ReadyClip Clip, int Slot)> _batch = [];
    private readonly HashSet<string> _seen;
    private int _epoch, _batchIndex = -1, _steppedBatch = -1;
    private long _savedStep;

    public TrainSession(PipelineOptions options, ComputeDevice device, long plannedClips, RunCounters counters, Action<string> log)
    {
        (_options, _counters, _log) = (options, counters, log);
        TrainerOptions t = options.Trainer;
        TorchRuntime.EnsureLoaded();
        TorchRuntime.SetThreads(options.Runtime.Threads.Torch);
        BatchSize = (int)Math.Clamp(plannedClips, 1, t.BatchSize);
        StepsPerEpoch = (int)((plannedClips + BatchSize - 1) / BatchSize);
        Settings = TrainerSettings.From(t, (long)StepsPerEpoch * t.Epochs);
        ClipAugmentOptions augment = AugmentOptions(t.ImageSize, Settings.Vit.PatchSize);
        _builder = new ClipBatchBuilder(augment, TrackControl.Parse(t.TrackControl), t.ClipSource == "image-pairs");
        if (options.Tracker.Grid < augment.MinimumTrackGrid())
            log(string.Create(CultureInfo.InvariantCulture,
                $"warning: tracker.grid {options.Tracker.Grid} is too sparse for crops down to {augment.CropScaleMin:0.##} of the frame: such a crop keeps fewer points than its {augment.GridSize}×{augment.GridSize} patches; track a grid of at least {augment.MinimumTrackGrid()} (docs/model.md, \"Points per crop\")"));
        try
        {
            _trainer = new MosicTrainer(Settings, device.ToTorch(), t.Init);
        }
        // A file that cannot be opened; a file that is not a fitting checkpoint (InvalidDataException, a mismatch) goes
        // up to the run, which says what the file is and which model it fits (Runner's CheckpointErrors).
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainSetupException($"cannot start from trainer.init {t.Init}: {e.Message}");
        }

        Position = new TrainPosition(0, 0, 0, t.Seed);
        _seen = new HashSet<string>(StringComparer.Ordinal);
        Directory.CreateDirectory(t.CheckpointDir);
        if (CheckpointFiles.RemoveAbandonedWrites(t.CheckpointDir) is > 0 and var abandoned)
            log($"removed {abandoned} unfinished checkpoint write(s) left in {t.CheckpointDir} by a run that was killed");
        string? latest = null;
        try
        {
            latest = CheckpointFiles.Latest(t.CheckpointDir);
        }
        catch (InvalidDataException e)
        {
            _trainer.Dispose();
            throw new TrainSetupException($"cannot resume: {e.Message} (move the checkpoint folder away to start over)");
        }

        if (latest is not null)
        {
            try
            {
                Position = TrainCheckpoint.Resume(_trainer, latest, t.Epochs);
                if (TrainCheckpoint.ReadData(latest) is { } data && Position.Epoch == 0) _seen.UnionWith(Encoding.UTF8.GetString(data).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
            catch (Exception e) when (e is InvalidDataException or KeyNotFoundException or IOException)
            {
                _trainer.Dispose();
                throw new TrainSetupException($"cannot resume from {latest}: {e.Message} (move the checkpoint folder away to start over)");
            }

            log(Position.Epoch >= t.Epochs
                ? $"resumed from {latest}: training already finished ({Position.Step} steps, {t.Epochs} epochs)"
                : $"resumed from {latest} at step {Position.Step} (epoch {Position.Epoch + 1}, batch {Position.NextBatch + 1})");
            if (Position.Epoch < t.Epochs && Position.Step > 0)
                File.AppendAllText(CheckpointFiles.Resumes(t.CheckpointDir), string.Create(CultureInfo.InvariantCulture, $"{Position.Step},{DateTime.UtcNow:O}\n"));
        }

        (_epoch, _savedStep) = (Position.Epoch, Position.Step);
        counters.StepsTotal = Settings.TotalSteps;
        _trainLog = new TrainLog(CheckpointFiles.Log(t.CheckpointDir), Position.Step);
        log(string.Create(CultureInfo.InvariantCulture,
            $"train {Settings.Vit.Name} on {Device}: {plannedClips} clips planned, batch {BatchSize}, {StepsPerEpoch} steps × {t.Epochs} epochs = {Settings.TotalSteps} steps; checkpoints in {t.CheckpointDir}"));
    }

    public MosicTrainerOptions Settings { get; }

    /// <summary>The augmentation a trainer of <paramref name="imageSize"/> uses: the reference crop range, points
    /// selected on the patch grid, at most one per patch.</summary>
    public static ClipAugmentOptions AugmentOptions(int imageSize, int patchSize)
    {
        int grid = imageSize / patchSize;
        return new ClipAugmentOptions { OutputSize = imageSize, GridSize = grid, MaxPoints = grid * grid }.Validated();
    }

    /// <summary>Clips left out of their batch because no crop kept a tracked point.</summary>
    public int ClipsDropped { get; private set; }

    public int BatchSize { get; }

    public DataStart Resume => new(Position.Epoch, Position.NextBatch * BatchSize);

    public int StepsPerEpoch { get; }

    /// <summary>Where the loaded checkpoint left off (the start, without one).</summary>
    public TrainPosition Position { get; }

    /// <summary>Clips of the streamed epoch trained on before this run (from the checkpoint).</summary>
    public IReadOnlySet<string> Seen => _seen;

    public long StepsTaken => _trainer.StepsTaken;

    /// <summary>The device the trainer's models live on (<c>cpu</c>, <c>cuda</c>), as the trainer reports it.</summary>
    public string Device => _trainer.Device.type == DeviceType.CUDA ? ComputeDevice.Cuda.Name() : ComputeDevice.Cpu.Name();

    /// <summary>Whether training reached the end of its last epoch.</summary>
    public bool Finished { get; private set; }

    /// <summary>Takes the next clip of the data order, stepping when a batch is complete.</summary>
    public void Add(ReadyClip clip)
    {
        if (clip.Slot < 0) throw new ArgumentException($"clip {clip.Tracks.ClipKey} has no place in the data order (slot {clip.Slot})", nameof(clip));
        int slot = clip.Slot;
        int batch = slot / BatchSize;
        if (clip.Epoch != _epoch || batch != _batchIndex) Step();
        while (_epoch < clip.Epoch) EndEpoch();
        _batchIndex = batch;
        _batch.Add((clip, slot));
        if (_batch.Count == BatchSize) Step();
    }

    /// <summary>The data ended: train the last short batch, checkpoint the epoch, export the student after the last one.</summary>
    public void EndOfData()
    {
        Step();
        EndEpoch();
        Finished = _epoch >= _options.Trainer.Epochs;
        string dir = _options.Trainer.CheckpointDir;
        if (Finished)
        {
            BackboneExport.WritePth(_trainer.Student, CheckpointFiles.Backbone(dir, ".pth"));
            BackboneExport.WriteSafetensors(_trainer.Student, CheckpointFiles.Backbone(dir, ".safetensors"));
            _log($"trained {_trainer.StepsTaken} of {Settings.TotalSteps} steps; student backbone in {CheckpointFiles.Backbone(dir, ".pth")} and .safetensors; log {_trainLog.Path}");
        }
    }

    /// <summary>The run is stopping: drop the unfinished batch (it is fed again on resume) and checkpoint where training is.</summary>
    public void Interrupt()
    {
        Release();
        SaveMidEpoch();
    }

    // Where training is inside an epoch: the next batch and, for the streamed epoch, the clips already seen.
    private void SaveMidEpoch()
    {
        if (_trainer.StepsTaken == _savedStep) return;
        var position = new TrainPosition(_trainer.StepsTaken, _epoch, _steppedBatch + 1, Position.DataSeed);
        byte[]? seen = _epoch == 0 ? Encoding.UTF8.GetBytes(string.Join('\n', _seen.Order(StringComparer.Ordinal))) : null;
        Save(CheckpointFiles.ForStep(_options.Trainer.CheckpointDir, _trainer.StepsTaken), position, seen);
    }

    private void Step()
    {
        if (_batch.Count == 0) return;
        var clock = Stopwatch.StartNew();
        int clips = _batch.Count;
        TrainStepResult r;
        string digest;
        try
        {
            BuiltBatch built = _builder.Build(_batch.Select(b => new ClipDraw(b.Clip,
                DataOrder.ForClip(Position.DataSeed, _epoch, b.Slot), DataOrder.ForTrackControl(Position.DataSeed, _epoch, b.Slot))).ToList());
            ClipsDropped += built.Dropped.Count;
            foreach (string reason in built.Dropped) _log($"clip left out of its batch ({ClipsDropped} so far): {reason}");
            if (built.Batch is null) return;
            using TrainBatch data = built.Batch;
            digest = built.Digest;
            clips = (int)data.Frames.shape[0];
            r = _trainer.Step(data);
        }
        finally
        {
            if (_epoch == 0) _seen.UnionWith(_batch.Select(b => b.Clip.Tracks.ClipKey));
            Release();
        }

        _steppedBatch = _batchIndex;
        double seconds = clock.Elapsed.TotalSeconds;
        _trainLog.Append(r, _epoch + 1, seconds, digest);
        _counters.Stepped(r.Step, clips, r.Loss);
        _log(string.Create(CultureInfo.InvariantCulture,
            $"step {r.Step}/{Settings.TotalSteps} epoch {_epoch + 1}: loss {r.Loss:F4} lr {r.LearningRateHead:E2} label entropy {r.LabelEntropy:F3} prototypes {r.PrototypesUsed}/{Settings.Prototypes} label consistency {r.LabelConsistency:F3} ({seconds:F2} s)"));
        int every = _options.Trainer.CheckpointEverySteps;
        if (every > 0 && r.Step % every == 0) SaveMidEpoch();
    }

    // The current epoch is complete (a clip of a later one arrived, or the data ended).
    private void EndEpoch()
    {
        if (_epoch >= _options.Trainer.Epochs) return;
        _epoch++;
        (_batchIndex, _steppedBatch) = (-1, -1);
        _seen.Clear();
        Save(CheckpointFiles.ForEpoch(_options.Trainer.CheckpointDir, _epoch), new TrainPosition(_trainer.StepsTaken, _epoch, 0, Position.DataSeed), null);
    }

    private void Release()
    {
        _batch.ForEach(b => b.Clip.Dispose());
        _batch.Clear();
    }

    private void Save(string path, TrainPosition position, byte[]? data)
    {
        TrainCheckpoint.Save(_trainer, path, position, data);
        _savedStep = position.Step;
        _log($"checkpoint {path}");
        // Mid-epoch checkpoints are only resume points: once a newer one is on disk, the older ones are dead weight.
        foreach (string old in CheckpointFiles.StepFiles(_options.Trainer.CheckpointDir).Where(f => f != path && StepOf(f) < position.Step))
            File.Delete(old);
    }

    // A step file that cannot be read is not ours to delete: it stays for a person to look at.
    private static long StepOf(string file)
    {
        try
        {
            return TrainCheckpoint.ReadPosition(file).Step;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return long.MaxValue;
        }
    }

    public void Dispose()
    {
        Release();
        _trainLog.Dispose();
        _trainer.Dispose();
        // Also on a failed or cancelled run: the plot shows how far it got.
        PlotLoss(_options.Trainer.CheckpointDir);
    }

    private void PlotLoss(string dir)
    {
        try
        {
            if (File.Exists(CheckpointFiles.Log(dir)) && LossPlot.Write(CheckpointFiles.Log(dir), CheckpointFiles.LossPlot(dir), _options.Name))
                _log($"loss plot {CheckpointFiles.LossPlot(dir)}");
        }
        catch (Exception e) when (e is IOException or FormatException or DllNotFoundException or TypeInitializationException)
        {
            // A missing plot must not turn a finished run into a failed one (nor hide the error that ended it).
            _log($"warning: no loss plot: {e.Message}");
        }
    }
}
