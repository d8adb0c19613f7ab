using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Messages;

/// <summary>
/// A clip with its tracks, ready for the trainer. <see cref="Epoch"/> and <see cref="Slot"/> place it in the data
/// order: the shuffle gives the streamed first epoch's slots (<see cref="ArrivalSlot"/> until then), later epochs
/// replay a seeded order.
/// </summary>
public sealed record ReadyClip(string VideoPath, CachedClip Tracks, ClipPixels Pixels, int Epoch, int Slot) : IDisposable
{
    public const int ArrivalSlot = -1;

    public void Dispose() => Pixels.Dispose();
}
