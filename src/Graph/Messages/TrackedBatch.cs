using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Messages;

/// <summary>A batch of clips and the cache rows the tracker made of them.</summary>
internal sealed record TrackedBatch(IReadOnlyList<ClipWork> Clips, IReadOnlyList<CachedClip> Rows) : IDisposable
{
    public long Bytes => Clips.Sum(c => c.Pixels.Bytes);

    public void Dispose()
    {
        foreach (ClipWork clip in Clips) clip.Dispose();
    }
}
