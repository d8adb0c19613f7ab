using System.Text.Json.Serialization;

namespace MoSiC.Stream.Storage.Cache.Manifest;

/// <summary>A clip a part holds: its key and its video's hash (what <c>FinishedClips</c>, <c>ReadAsync</c> by video and gc need, without a Parquet read).</summary>
internal sealed record ClipRef(string Key, string Video);

/// <summary>One part file as the manifest records it: where it is, what it holds, and what its bytes must hash to.</summary>
internal sealed record PartRecord(string Partition, string File, int Rows, long Bytes, string Sha256, IReadOnlyList<ClipRef> Clips)
{
    /// <summary>
    /// The content sample (<c>Identity.ContentSample</c>) of each video whose clips the part holds, taken by the writer
    /// that tracked them; a hint from the hash index is trusted only when the file's sample equals this. Null in
    /// entries written before it (then hints are confirmed by a full hash).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Samples { get; init; }

    /// <summary>Partition and file: the identity of a part across entries.</summary>
    [JsonIgnore]
    public (string Partition, string File) Id => (Partition, File);
}

/// <summary>A video's plan record (<see cref="CachedVideo"/>) in one partition; the newest for a (partition, video) wins.</summary>
internal sealed record VideoRecord(string Partition, CachedVideo Video)
{
    /// <summary>Partition and video: the identity of a record across entries.</summary>
    [JsonIgnore]
    public (string Partition, string Video) Id => (Partition, Video.VideoHash);
}

/// <summary>
/// The body of a manifest entry. A delta (<see cref="Snapshot"/> false) lists the parts one write added. A snapshot
/// lists every live part and says which deltas it already holds: all numbered up to <see cref="Through"/> except
/// <see cref="Gaps"/> (numbers it did not see as valid deltas, e.g. claimed by a writer still on its way, or torn).
/// </summary>
internal sealed record ManifestBody
{
    public const string CurrentFormat = "mosic-cache-manifest/1";

    public string Format { get; init; } = CurrentFormat;

    public required long Sequence { get; init; }

    public required bool Snapshot { get; init; }

    /// <summary>When it was written (informational).</summary>
    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Host and process that wrote it (informational, for post-mortems of races).</summary>
    public required string Writer { get; init; }

    /// <summary>Snapshots only: the highest entry number the snapshot looked at.</summary>
    public long Through { get; init; }

    /// <summary>Snapshots only: ranges of numbers up to <see cref="Through"/> whose deltas it does not hold.</summary>
    public IReadOnlyList<NumberRange> Gaps { get; init; } = [];

    public required IReadOnlyList<PartRecord> Parts { get; init; }

    /// <summary>Plan records of videos written with (or, when all their clips were cached, without) these parts; absent in older entries.</summary>
    public IReadOnlyList<VideoRecord> Videos { get; init; } = [];

    /// <summary>True when this snapshot already holds the parts of delta number <paramref name="sequence"/>.</summary>
    public bool Covers(long sequence) => Snapshot && sequence <= Through && !Gaps.Any(g => g.Contains(sequence));
}

/// <summary>
/// Entry numbers <see cref="First"/> to <see cref="Last"/>, both included. Gaps are kept as ranges so that a stray
/// entry with a huge number cannot blow a snapshot up to millions of single numbers.
/// </summary>
internal sealed record NumberRange(long First, long Last)
{
    public bool Contains(long n) => First <= n && n <= Last;
}
