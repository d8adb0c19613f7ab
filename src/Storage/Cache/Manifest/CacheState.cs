namespace MoSiC.Stream.Storage.Cache.Manifest;

/// <summary>
/// What the manifest says is in the cache: the newest valid snapshot's parts plus the parts of every valid delta it
/// does not hold, each part once. A clip held by two parts (two writers raced on it) stays one finished clip.
/// </summary>
internal sealed class CacheState
{
    private CacheState(IReadOnlyList<EntryFile> entries, EntryFile? snapshot, IReadOnlyList<PartRecord> parts, IReadOnlyList<PartRecord> unconfined,
        IReadOnlyList<PartRecord> quarantined, IReadOnlyDictionary<(string, string), VideoRecord> videos) =>
        (Entries, Snapshot, Parts, Unconfined, Quarantined, Videos) = (entries, snapshot, parts, unconfined, quarantined, videos);

    /// <summary>Every entry file read, valid or not.</summary>
    public IReadOnlyList<EntryFile> Entries { get; }

    /// <summary>The snapshot the state starts from, or null when there is none.</summary>
    public EntryFile? Snapshot { get; }

    /// <summary>Live parts, in entry order; only records whose names are ours (<see cref="CacheLayout.Unconfined"/>).</summary>
    public IReadOnlyList<PartRecord> Parts { get; }

    /// <summary>
    /// Live records naming a path that is not one of ours (absolute, <c>..</c>, anything else): no reader, writer or
    /// maintenance step turns them into a path; verify reports them and any new snapshot leaves them out.
    /// </summary>
    public IReadOnlyList<PartRecord> Unconfined { get; }

    /// <summary>Live records set aside after a failed read (readers' view only; <see cref="Parts"/> leaves them out).</summary>
    public IReadOnlyList<PartRecord> Quarantined { get; }

    /// <summary>Video plan records by (partition, video hash): the newest entry's.</summary>
    public IReadOnlyDictionary<(string Partition, string Video), VideoRecord> Videos { get; }

    /// <summary>The highest entry number seen.</summary>
    public long Through => Entries.Select(e => e.Sequence).DefaultIfEmpty(0).Max();

    /// <summary>
    /// The state the entries describe. With <paramref name="quarantined"/> (readers), records a quarantine mark names
    /// with the same SHA-256 move from <see cref="Parts"/> to <see cref="Quarantined"/>; maintenance passes none and
    /// sees every live record.
    /// </summary>
    public static CacheState From(IReadOnlyList<EntryFile> entries, IReadOnlyDictionary<(string, string), string>? quarantined = null)
    {
        // "Newest complete one wins": the valid snapshot with the highest number; a torn newer one is passed over.
        EntryFile? snapshot = entries.Where(e => e.Snapshot && e.IsValid).MaxBy(e => e.Sequence);
        var parts = new List<PartRecord>();
        var unconfined = new List<PartRecord>();
        var aside = new List<PartRecord>();
        var seen = new HashSet<(string, string)>();
        void Add(IEnumerable<PartRecord> more)
        {
            foreach (PartRecord part in more)
            {
                if (!seen.Add(part.Id)) continue;
                if (CacheLayout.Unconfined(part.Partition, part.File) is not null) unconfined.Add(part);
                else if (quarantined is not null && quarantined.TryGetValue(part.Id, out string? sha) && sha == part.Sha256) aside.Add(part);
                else parts.Add(part);
            }
        }

        var videos = new Dictionary<(string, string), VideoRecord>();
        void AddVideos(IEnumerable<VideoRecord>? more)
        {
            foreach (VideoRecord video in more ?? []) videos[video.Id] = video;
        }

        if (snapshot is not null)
        {
            Add(snapshot.Body!.Parts);
            AddVideos(snapshot.Body.Videos);
        }

        foreach (EntryFile delta in entries.Where(e => !e.Snapshot && e.IsValid))
        {
            if (snapshot is not null && snapshot.Body!.Covers(delta.Sequence)) continue;
            Add(delta.Body!.Parts);
            AddVideos(delta.Body.Videos);
        }

        return new CacheState(entries, snapshot, parts, unconfined, aside, videos);
    }

    /// <summary>Live parts of one partition.</summary>
    public IEnumerable<PartRecord> PartsOf(string setId) => Parts.Where(p => p.Partition == setId);

    /// <summary>
    /// The numbers up to <see cref="Through"/> whose deltas a snapshot built from this state would not hold: the
    /// current snapshot's own gaps and every number after it, less the valid deltas seen, as sorted disjoint ranges.
    /// </summary>
    public IReadOnlyList<NumberRange> GapsForSnapshot()
    {
        long from = Snapshot?.Body!.Through ?? 0;
        long[] seen = Entries.Where(e => !e.Snapshot && e.IsValid).Select(e => e.Sequence).Distinct().Order().ToArray();
        IEnumerable<NumberRange> candidates = (Snapshot?.Body!.Gaps ?? []).Append(new NumberRange(from + 1, Through));
        var gaps = new List<NumberRange>();
        foreach (NumberRange range in candidates.Where(r => r.First <= r.Last).OrderBy(r => r.First))
        {
            // Cut the seen deltas out of the range; what is left are the gaps.
            long start = range.First;
            foreach (long n in seen.Where(range.Contains))
            {
                if (n > start) Add(gaps, new NumberRange(start, n - 1));
                start = n + 1;
            }

            if (start <= range.Last) Add(gaps, new NumberRange(start, range.Last));
        }

        return gaps;
    }

    /// <summary>Appends <paramref name="range"/>, merging it into the last one when they touch or overlap.</summary>
    private static void Add(List<NumberRange> gaps, NumberRange range)
    {
        if (gaps.Count > 0 && range.First <= gaps[^1].Last + 1)
        {
            gaps[^1] = gaps[^1] with { Last = Math.Max(gaps[^1].Last, range.Last) };
            return;
        }

        gaps.Add(range);
    }
}
