using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Graph.Discover;
using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Graph.Metrics;
using MoSiC.Stream.Stages.Track;
using MoSiC.Stream.Storage.Cache;
using MoSiC.Stream.Storage.Identity;
using MoSiC.Stream.Training;

namespace MoSiC.Stream.Runner.Run;

/// <summary>Everything a run settled before its graph starts: the checked pipeline, the corpus plan, the cache and the trainer.</summary>
internal sealed record PreparedRun(RunRequest Request, PipelineOptions Options, string Source, TrackerIdentity Identity) : IDisposable
{
    /// <summary>The run's identity (<see cref="RunFolders.Id"/>).</summary>
    public required string RunId { get; init; }

    public required TrajectoryCache Cache { get; init; }

    public required HashIndex Hashes { get; init; }

    public required TrackSet Set { get; init; }

    public required QuerySpec Queries { get; init; }

    public required CorpusPlan Plan { get; init; }

    /// <summary>Clip key → video hash of every clip of <see cref="Set"/> already in the cache.</summary>
    public required IReadOnlyDictionary<string, string> Finished { get; init; }

    /// <summary>The videos the graph takes (train mode: only those with cached clips; none once the streamed epoch is done).</summary>
    public required IReadOnlyList<VideoWork> Videos { get; init; }

    /// <summary><c>runtime.device</c> resolved, once, for tracker and trainer (null when neither needs LibTorch).</summary>
    public required ComputeDevice? Device { get; init; }

    /// <summary>The run's counters, shared by the graph, the trainer and the reports.</summary>
    public required PipelineStats Stats { get; init; }

    /// <summary>The trainer (null in track mode).</summary>
    public required TrainSession? Session { get; init; }

    /// <summary>Whether the graph streams clips to the trainer (training, and not resumed past the streamed epoch).</summary>
    public bool StreamsToTrainer => Session is { Resume.Epoch: 0 };

    /// <summary>Training had already finished and no video has clips left to track: the graph would only decode.</summary>
    public bool NothingToDo => Videos.Count == 0 && Session is { } s && s.Position.Epoch >= Options.Trainer.Epochs;

    public void Dispose() => Session?.Dispose();
}
