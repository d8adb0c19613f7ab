using MoSiC.Stream.Stages.Sample;
using MoSiC.Stream.Storage.Cache;

namespace MoSiC.Stream.Graph.Messages;

/// <summary>One clip of a video: where it sits, its cache key, and its frames.</summary>
internal sealed record ClipWork(VideoWork Video, int Index, ClipPlan Plan, string Key, double[] TimestampsSeconds, ClipPixels Pixels) : IDisposable
{
    /// <summary>True when its tracks are in the cache (it goes to the trainer with them), false when it must be tracked.</summary>
    public bool Cached { get; init; }

    /// <summary>The video's plan record, on the video's last clip to be tracked: written with that clip's part.</summary>
    public CachedVideo? Record { get; init; }

    public void Dispose() => Pixels.Dispose();
}
