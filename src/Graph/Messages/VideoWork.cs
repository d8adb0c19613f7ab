using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Graph.Messages;

/// <summary>A corpus video of this run (its shard), known by its content hash (confirmed, never just the index's hint).</summary>
public sealed record VideoWork(VideoSource Source, string Hash)
{
    /// <summary>The video's content sample (<c>Storage.Identity.ContentSample</c>), recorded with its tracks; null when it could not be taken.</summary>
    public string? Sample { get; init; }

    /// <summary>The video's position in the run's plan: the streamed epoch reaches the trainer in this order.</summary>
    public int Order { get; init; }
}
