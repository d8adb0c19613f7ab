using System.Text.Json;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Storage.Cache.Manifest;

namespace MoSiC.Stream.Storage.Cache.Files;

/// <summary>
/// Parts that failed a read, set aside like failed videos: <c>DIR/_quarantine/&lt;set id&gt;/&lt;part file&gt;.json</c>
/// names the part, the SHA-256 its record carries and what went wrong. A quarantined record counts for nothing (its
/// clips are not finished, so the next <c>track</c> tracks them again), yet stays in the manifest until
/// <c>verify --repair</c> drops it or a write of the same part lifts the mark. Marks are written best effort: a cache
/// this user cannot write still skips the part for the rest of the run.
/// </summary>
internal sealed class PartQuarantine(string dir, TimeProvider clock)
{
    public const string Folder = "_quarantine";
    private const string Suffix = ".json";
    private const long MaxMarkBytes = 64 << 10;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>A mark's contents: the part, its record's SHA-256, and the problem that set it aside.</summary>
    internal sealed record Mark(string Partition, string File, string Sha256, string Kind, string Detail, DateTimeOffset QuarantinedUtc);

    /// <summary>Quarantined parts: (partition, file) → the SHA-256 of the record that failed. Unreadable marks count as none.</summary>
    public IReadOnlyDictionary<(string Partition, string File), string> Read()
    {
        var marks = new Dictionary<(string, string), string>();
        foreach ((string setId, string name, Mark? mark) in Marks())
        {
            if (mark is not null && mark.Partition == setId && mark.File + Suffix == name) marks[(setId, mark.File)] = mark.Sha256;
        }

        return marks;
    }

    /// <summary>Every mark file by set and name, parsed when it is a mark we wrote (null otherwise).</summary>
    public IEnumerable<(string SetId, string Name, Mark? Mark)> Marks()
    {
        var found = new List<(string, string, Mark?)>();
        try
        {
            using ConfinedFolder? root = ConfinedFolder.TryOpen(dir, Folder);
            foreach (string setId in root?.Names().Where(CacheLayout.IsSetId) ?? [])
            {
                using ConfinedFolder? folder = ConfinedFolder.TryOpen(dir, Folder, setId);
                foreach (string name in folder?.Names() ?? [])
                {
                    if (!name.EndsWith(Suffix, StringComparison.Ordinal) || !CacheLayout.IsPartName(name[..^Suffix.Length])) continue;
                    found.Add((setId, name, Parse(folder!, name)));
                }
            }
        }
        catch (UnsafeFileException)
        {
            // A link where the quarantine folder should be: nothing there is ours.
        }

        return found;
    }

    /// <summary>Quarantines <paramref name="part"/> for <paramref name="problem"/>; false when the mark could not be written.</summary>
    public async Task<bool> AddAsync(PartRecord part, CacheProblem problem, CancellationToken ct)
    {
        if (CacheLayout.Unconfined(part.Partition, part.File) is not null) return false;
        try
        {
            string folder = Path.Combine(dir, Folder, part.Partition);
            // Made only through real folders: a link at either level throws here rather than writing elsewhere.
            MakeFolder(Folder);
            MakeFolder(Folder, part.Partition);
            var mark = new Mark(part.Partition, part.File, part.Sha256, problem.Kind.ToString(), problem.Detail, clock.GetUtcNow());
            await AtomicFile.WriteAsync(Path.Combine(folder, part.File + Suffix), JsonSerializer.SerializeToUtf8Bytes(mark, Json), ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void MakeFolder(params string[] names)
    {
        using ConfinedFolder? folder = ConfinedFolder.TryOpen(dir, names);
        if (folder is null) Directory.CreateDirectory(Path.Combine([dir, .. names]));
    }

    /// <summary>Lifts the mark of part <paramref name="file"/> of set <paramref name="setId"/>, if any (a regular file of ours only).</summary>
    public void Lift(string setId, string file) => Remove(setId, file + Suffix);

    /// <summary>Removes mark file <paramref name="name"/> of set <paramref name="setId"/> (verify's cleanup of marks naming no live part).</summary>
    public void Remove(string setId, string name)
    {
        if (!CacheLayout.IsSetId(setId)) return;
        try
        {
            using ConfinedFolder? folder = ConfinedFolder.TryOpen(dir, Folder, setId);
            folder?.TryDelete(name);
        }
        catch (UnsafeFileException)
        {
        }
    }

    /// <summary>The path of a mark, for messages.</summary>
    public string PathOf(string setId, string name) => Path.Combine(dir, Folder, setId, name);

    private static Mark? Parse(ConfinedFolder folder, string name)
    {
        try
        {
            Mark? mark = JsonSerializer.Deserialize<Mark>(folder.ReadAll(name, MaxMarkBytes), Json);
            return mark is { Partition: not null, File: not null, Sha256: not null } ? mark : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }
}
