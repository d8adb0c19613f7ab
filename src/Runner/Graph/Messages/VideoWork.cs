using MoSiC.Stream.Core.Media;

namespace MoSiC.Stream.Runner.Graph.Messages;

/// <summary>A corpus video of this run (its shard), known by its content hash.</summary>
internal sealed record VideoWork(VideoSource Source, string Hash);
