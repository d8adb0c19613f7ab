namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// One partition (track set) of the cache as the manifest describes it: its id, its set (from <c>_set.json</c>, null
/// if unreadable), distinct videos and clips, rows over all parts (more than clips when writers raced), parts, bytes.
/// </summary>
public sealed record PartitionListing(string Id, TrackSet? Set, int Videos, int Clips, long Rows, int Parts, long Bytes);
