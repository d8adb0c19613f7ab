using System.Globalization;
using System.Text.RegularExpressions;
using MoSiC.Stream.Core.Files;

namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// Names and paths of the cache folder, in one place:
/// <code>
/// DIR/.lock                                   maintenance lock
/// DIR/_manifest/00000042.json                 delta entry: the parts one write added
/// DIR/_manifest/00000100.snapshot.json        snapshot entry: every live part up to its number
/// DIR/_claims/&lt;set id&gt;/&lt;video&gt;.claim       a run tracking that video now (VideoClaim)
/// DIR/tracker=&lt;set id&gt;/_set.json            the track set's fields
/// DIR/tracker=&lt;set id&gt;/part-&lt;hash&gt;.parquet  one part: the rows (clips) of one write
/// </code>
/// Every name other writers' tools must skip starts with <c>_</c> or <c>.</c>, the Hive convention for hidden files.
/// </summary>
internal static partial class CacheLayout
{
    public const string PartitionPrefix = "tracker=";
    public const string ManifestFolder = "_manifest";
    public const string ClaimsFolder = "_claims";
    public const string SetFile = "_set.json";
    public const string LockFile = ".lock";
    public const string PartPrefix = "part-";
    public const string PartSuffix = ".parquet";

    /// <summary>What every temporary name holds (<c>.&lt;final name&gt;.tmp-&lt;pid&gt;-&lt;random&gt;</c>).</summary>
    public const string TempMarker = AtomicFile.TempMarker;

    /// <summary>Digits of an entry's sequence number; more are allowed when the log outgrows them.</summary>
    public const int SequenceDigits = 8;

    public static string PartitionDir(string dir, string setId) => Path.Combine(dir, PartitionPrefix + setId);

    public static string PartPath(string dir, string setId, string file) => Path.Combine(PartitionDir(dir, setId), file);

    public static string ManifestDir(string dir) => Path.Combine(dir, ManifestFolder);

    /// <summary>Part file name from the sorted clip keys it holds, so writers of the same clips pick the same name.</summary>
    public static string PartName(IEnumerable<string> sortedClipKeys) =>
        $"{PartPrefix}{TrackSet.Hex(string.Join('\n', sortedClipKeys))[..20]}{PartSuffix}";

    public static string EntryName(long sequence, bool snapshot) =>
        sequence.ToString(new string('0', SequenceDigits), CultureInfo.InvariantCulture) + (snapshot ? ".snapshot.json" : ".json");

    /// <summary>Parses an entry file name; false for anything else (temporary files included).</summary>
    public static bool TryParseEntryName(string name, out long sequence, out bool snapshot)
    {
        Match m = EntryPattern().Match(name);
        (sequence, snapshot) = (0, false);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out sequence)) return false;
        snapshot = m.Groups[2].Success;
        return true;
    }

    /// <summary>True for a part's final name as <see cref="PartName"/> makes it (<c>part-</c>, 20 hex digits, <c>.parquet</c>).</summary>
    public static bool IsPartName(string name) => PartPattern().IsMatch(name);

    /// <summary>True for a set id as <see cref="TrackSet.Id"/> makes it (tracker name and version, 12 hex digits).</summary>
    public static bool IsSetId(string id) => SetIdPattern().IsMatch(id);

    /// <summary>
    /// Null when <paramref name="partition"/> and <paramref name="file"/>, taken from a manifest entry, are names this
    /// cache generates (a set id and a part name, so the path stays directly inside a partition folder of the cache);
    /// otherwise the problem's detail. Every name read from metadata passes here before it becomes a path.
    /// </summary>
    public static string? Unconfined(string? partition, string? file) =>
        partition is not null && file is not null && IsSetId(partition) && IsPartName(file) ? null
            : $"manifest names a path outside the cache: partition '{Show(partition)}', file '{Show(file)}' " +
              $"(ours are {PartitionPrefix}<set id>/{PartPrefix}<20 hex digits>{PartSuffix}); ignored, and --repair drops it from the manifest without deleting anything";

    /// <summary>True for a temporary file of an atomic write (ours have a dot in front and the temp marker).</summary>
    public static bool IsTempName(string name) => name.StartsWith('.') && name.Contains(TempMarker, StringComparison.Ordinal);

    /// <summary>The set id of a partition folder name, or null when the name is not <c>tracker=&lt;id&gt;</c>.</summary>
    public static string? SetIdOf(string folderName) =>
        folderName.StartsWith(PartitionPrefix, StringComparison.Ordinal) && folderName.Length > PartitionPrefix.Length
            ? folderName[PartitionPrefix.Length..]
            : null;

    // Shown in messages with control characters escaped and the length capped: the name comes from an attacker.
    private static string Show(string? name) =>
        name is null ? "(none)" : string.Concat(name.Take(200).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) + (name.Length > 200 ? "…" : "");

    [GeneratedRegex(@"^([0-9]{8,18})(\.snapshot)?\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex EntryPattern();

    [GeneratedRegex(@"^part-[0-9a-f]{20}\.parquet$", RegexOptions.CultureInvariant)]
    private static partial Regex PartPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}-[0-9a-f]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex SetIdPattern();
}
