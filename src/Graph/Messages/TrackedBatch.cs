using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Messages;

/// <summary>A batch of clips and the cache rows the tracker made of them.</summary>
internal sealed record TrackedBatch(IReadOnlyList<ClipWork> Clips, IReadOnlyList<CachedClip> Rows) : IDisposable
{
    /// <summary>A batch the tracker rejected (its videos failed): it goes on only so the trainer's order learns its clips are lost.</summary>
    public static TrackedBatch Rejected(IReadOnlyList<ClipWork> clips) => new(clips, []) { IsRejected = true };

    public bool IsRejected { get; private init; }

    public long Bytes => Clips.Sum(c => c.Pixels.Bytes);

    public void Dispose()
    {
        foreach (ClipWork clip in Clips) clip.Dispose();
    }
}
