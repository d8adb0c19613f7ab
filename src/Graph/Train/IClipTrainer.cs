using MoSiC.Stream.Graph.Messages;

namespace MoSiC.Stream.Graph.Train;

/// <summary>Where a trainer's data resumes: the epoch of the next clip it needs, and that clip's slot in the epoch's order.</summary>
/// <param name="Epoch">0 is the streamed first epoch; later epochs replay the cache in a seeded order.</param>
/// <param name="Slot">Index in the epoch's order of the first clip not yet trained on.</param>
public sealed record DataStart(int Epoch, int Slot);

/// <summary>The trainer as the graph sees it: it takes clips in data order and is told how the data ended.</summary>
public interface IClipTrainer
{
    /// <summary>Where a loaded checkpoint left off (epoch 0, slot 0 for a fresh run).</summary>
    DataStart Resume { get; }

    /// <summary>Takes the next clip (owning it from here on).</summary>
    void Add(ReadyClip clip);

    /// <summary>Every epoch's data has been delivered.</summary>
    void EndOfData();

    /// <summary>The run is stopping early: keep what was trained.</summary>
    void Interrupt();
}
