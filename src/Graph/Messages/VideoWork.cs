using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Graph.Messages;

/// <summary>A corpus video of this run (its shard), known by its content hash.</summary>
public sealed record VideoWork(VideoSource Source, string Hash);
