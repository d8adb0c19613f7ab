namespace MoSiC.Stream.Model.Train.Persist;

/// <summary>Where a run stands in its data: enough, with the seed, to replay the same order and augmentations.</summary>
/// <param name="Step">Optimisation steps taken.</param>
/// <param name="Epoch">0-based epoch of the next batch.</param>
/// <param name="NextBatch">0-based index of the next batch within <paramref name="Epoch"/>.</param>
/// <param name="DataSeed">Seed of the data order and augmentation (per-epoch and per-clip generators are derived from it).</param>
public sealed record TrainPosition(long Step, int Epoch, int NextBatch, int DataSeed);
