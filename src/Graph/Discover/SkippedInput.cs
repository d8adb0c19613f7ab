namespace MoSiC.Stream.Graph.Discover;

/// <summary>A file of the corpus that a run leaves out on purpose (not a failure): which, and why.</summary>
public sealed record SkippedInput(string Path, string Reason);
