using MoSiC.Stream.Graph.Messages;
using MoSiC.Stream.Model.Train.Persist;

namespace MoSiC.Stream.Graph.Train;

/// <summary>The trainer as the graph sees it: it takes clips in data order and is told how the data ended.</summary>
public interface IClipTrainer
{
    /// <summary>Where a loaded checkpoint left off (epoch 0, batch 0 for a fresh run).</summary>
    TrainPosition Position { get; }

    /// <summary>Clips per step.</summary>
    int BatchSize { get; }

    /// <summary>Takes the next clip (owning it from here on).</summary>
    void Add(ReadyClip clip);

    /// <summary>Every epoch's data has been delivered.</summary>
    void EndOfData();

    /// <summary>The run is stopping early: keep what was trained.</summary>
    void Interrupt();
}
