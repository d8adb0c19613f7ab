using System.Runtime.CompilerServices;
using MoSiC.Stream.Core.Files;
using MoSiC.Stream.Storage.Cache.Claims;
using MoSiC.Stream.Storage.Cache.Export;
using MoSiC.Stream.Storage.Cache.Files;
using MoSiC.Stream.Storage.Cache.Maintenance;
using MoSiC.Stream.Storage.Cache.Manifest;
using MoSiC.Stream.Storage.Cache.Parquet;

namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// The trajectory cache: Hive-style Parquet partitions (<c>DIR/tracker=&lt;TrackSet.Id&gt;/part-&lt;hash&gt;.parquet</c>) that
/// DuckDB, pyarrow and pandas read without our code, and an append-only manifest (<c>DIR/_manifest/</c>) naming the
/// finished parts with their row counts, checksums and clip keys. Parts are written under a temporary name, flushed,
/// fsynced and renamed; the manifest entry is written last, the same way. Readers trust only parts a complete manifest
/// entry names and ignore temporary files, so a killed writer never shows a torn file. Concurrent writers cannot
/// collide: part names derive from their content and manifest entries are created exclusively.
/// </summary>
/// <remarks>
/// Instances hold no open files and cache only parsed manifest entries (immutable once written), so any number of
/// them, in any number of processes, may share a folder. Maintenance (<see cref="VerifyAsync"/> with repair, <see cref="CollectAsync"/>, <see cref="CompactAsync"/>)
/// takes the exclusive lock <c>DIR/.lock</c>; writes and reads never wait for it. See docs/cache.md.
/// </remarks>
public sealed class TrajectoryCache
{
    private readonly ManifestLog _log;
    private readonly PartStore _parts;
    private readonly PartQuarantine _quarantine;

    private TrajectoryCache(string dir, TrajectoryCacheOptions options)
    {
        (Dir, Options) = (dir, options);
        _log = new ManifestLog(CacheLayout.ManifestDir(dir));
        _parts = new PartStore(dir);
        _quarantine = new PartQuarantine(dir, options.Clock);
    }

    /// <summary>The cache folder (absolute).</summary>
    public string Dir { get; }

    /// <summary>The settings the cache was opened with.</summary>
    public TrajectoryCacheOptions Options { get; }

    /// <summary>Opens (creating if needed) the cache at <paramref name="dir"/>.</summary>
    public static TrajectoryCache Open(string dir) => Open(dir, new TrajectoryCacheOptions());

    /// <summary>Opens (creating if needed) the cache at <paramref name="dir"/> with <paramref name="options"/> (validated here).</summary>
    public static TrajectoryCache Open(string dir, TrajectoryCacheOptions options)
    {
        if (string.IsNullOrWhiteSpace(dir)) throw new ArgumentException("cache.dir must not be empty", nameof(dir));
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        string full = Path.GetFullPath(dir);
        if (File.Exists(full)) throw new IOException($"{full}: cache.dir is a file, not a folder");
        Directory.CreateDirectory(full);
        // The manifest says what every reader trusts: a link in its place (to a folder elsewhere) is refused outright.
        using (ConfinedFolder? manifest = ConfinedFolder.TryOpen(full, CacheLayout.ManifestFolder))
        {
            if (manifest is null) Directory.CreateDirectory(CacheLayout.ManifestDir(full));
        }
        return new TrajectoryCache(full, options);
    }

    /// <summary>The clip keys of <paramref name="set"/> that are finished (named by a complete manifest entry).</summary>
    public IReadOnlySet<string> FinishedClips(TrackSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return State().PartsOf(set.Id).SelectMany(p => p.Clips).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The clip keys of <paramref name="set"/> from video <paramref name="videoHash"/> that are finished.</summary>
    public IReadOnlySet<string> FinishedClips(TrackSet set, string videoHash)
    {
        ArgumentNullException.ThrowIfNull(set);
        return State().PartsOf(set.Id).SelectMany(p => p.Clips).Where(c => c.Video == videoHash).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The finished clips of <paramref name="set"/> with the content hash of the video each came from, by clip key.</summary>
    public IReadOnlyDictionary<string, string> FinishedClipVideos(TrackSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var clips = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ClipRef clip in State().PartsOf(set.Id).SelectMany(p => p.Clips)) clips.TryAdd(clip.Key, clip.Video);
        return clips;
    }

    /// <summary>
    /// The content sample recorded with the tracks of each video (video hash → sample), over every partition. A video
    /// whose parts record different samples maps to null: no sample vouches for it, so a hint naming it is hashed in full.
    /// </summary>
    public IReadOnlyDictionary<string, string?> RecordedSamples()
    {
        var samples = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (video, sample) in State().Parts.Where(p => p.Samples is not null).SelectMany(p => p.Samples!))
        {
            if (sample is not { Length: 64 } || sample.AsSpan().ContainsAnyExcept("0123456789abcdef")) continue;
            samples[video] = samples.TryGetValue(video, out string? known) && known != sample ? null : sample;
        }

        return samples;
    }

    /// <summary>
    /// The plan records (<see cref="CachedVideo"/>) of <paramref name="set"/>, by video hash. A record is only as good
    /// as its clips: check that every key it lists is finished before trusting it.
    /// </summary>
    public IReadOnlyDictionary<string, CachedVideo> Videos(TrackSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        string id = set.Id;
        return State().Videos.Values.Where(v => v.Partition == id).ToDictionary(v => v.Video.VideoHash, v => v.Video, StringComparer.Ordinal);
    }

    /// <summary>
    /// Claims <paramref name="videoHash"/> for tracking into <paramref name="set"/> (see <see cref="VideoClaim"/>), or
    /// returns null when another live run holds it. Dispose the claim once its clips are written (or the run ends).
    /// </summary>
    public VideoClaim? TryClaim(TrackSet set, string videoHash)
    {
        ArgumentNullException.ThrowIfNull(set);
        return VideoClaim.TryTake(Dir, set.Id, videoHash, Options.StaleAfter, Options.Clock);
    }

    /// <summary>Writes <paramref name="clips"/> as one part of <paramref name="set"/>'s partition, atomically, then records it in the manifest.</summary>
    /// <exception cref="ArgumentException">A clip is malformed (the message names it and the field), its key is not the one <paramref name="set"/> gives it, or a key appears twice.</exception>
    public Task WriteAsync(TrackSet set, IReadOnlyList<CachedClip> clips, CancellationToken ct) => WriteAsync(set, clips, [], null, ct);

    /// <summary>
    /// Writes <paramref name="clips"/> as one part of <paramref name="set"/>'s partition and records it in the manifest
    /// together with the plan records of <paramref name="videos"/> (one entry: both become visible at once). With no
    /// clips, the records alone (videos whose clips were all cached already). The part also records the content sample
    /// of each video its clips came from (<paramref name="samples"/>: video hash → <see cref="Identity.ContentSample"/>),
    /// which later runs check hash-index hints against (<see cref="RecordedSamples"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A clip or record is malformed, a clip's key is not the one <paramref name="set"/> gives it, or a key appears twice.</exception>
    public async Task WriteAsync(TrackSet set, IReadOnlyList<CachedClip> clips, IReadOnlyList<CachedVideo> videos, IReadOnlyDictionary<string, string>? samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(videos);
        ClipValidation.ThrowIfInvalid(set, clips, nameof(clips));
        foreach (CachedVideo video in videos)
        {
            if (video.Frames < 1 || video.Clips.Count == 0 || video.VideoHash.Length == 0)
                throw new ArgumentException($"video {video.VideoHash}: a plan record needs frames and clips", nameof(videos));
        }

        if (clips.Count == 0 && videos.Count == 0) return;

        Options.Faults?.BeforeWrite(CacheLayout.PartitionDir(Dir, set.Id));
        await TrackSetFile.EnsureAsync(Dir, set, ct).ConfigureAwait(false);
        PartRecord[] parts = clips.Count == 0 ? [] : [await _parts.WriteAsync(set, clips, ct, samples).ConfigureAwait(false)];
        VideoRecord[] records = [.. videos.Select(v => new VideoRecord(set.Id, v))];
        Options.Faults?.BeforeWrite(CacheLayout.ManifestDir(Dir));
        // The entry last: until it exists the part is an orphan that no reader trusts.
        ManifestBody entry = await _log.AppendAsync(snapshot: false, n => new ManifestBody
        {
            Sequence = n,
            Snapshot = false,
            CreatedUtc = Options.Clock.GetUtcNow(),
            Writer = Snapshots.Writer,
            Parts = parts,
            Videos = records,
        }, ct).ConfigureAwait(false);
        // Written again (a quarantined part's clips tracked anew): the new bytes stand, the mark goes.
        foreach (PartRecord part in parts) _quarantine.Lift(part.Partition, part.File);
        await CompactIfDueAsync(entry.Sequence, ct).ConfigureAwait(false);
    }

    /// <summary>Every finished clip of <paramref name="set"/> (optionally only those of one video), read back from the parts.</summary>
    public IAsyncEnumerable<CachedClip> ReadAsync(TrackSet set, string? videoHash, CancellationToken ct) => ReadAsync(set, videoHash, null, ct);

    /// <summary>
    /// Every finished clip of <paramref name="set"/> (only those of <paramref name="videoHash"/> unless it is null),
    /// each once, from parts whose bytes match their manifest record. A part that fails (missing, damaged, a name that
    /// is not ours) is skipped and passed to <paramref name="skipped"/>, and a part that fails to read is quarantined:
    /// its clips stop counting as finished, so the next run tracks them again (verify --repair removes it). Parts
    /// quarantined earlier are skipped and passed to <paramref name="skipped"/> as well.
    /// </summary>
    public async IAsyncEnumerable<CachedClip> ReadAsync(TrackSet set, string? videoHash, Action<CacheProblem>? skipped, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(set);
        var yielded = new HashSet<string>(StringComparer.Ordinal);
        CacheState state = State();
        bool Wanted(PartRecord p) => p.Partition == set.Id && (videoHash is null || p.Clips.Any(c => c.Video == videoHash));
        foreach (PartRecord foreign in state.Unconfined.Where(Wanted))
            skipped?.Invoke(new CacheProblem(CacheProblemKind.UnsafePath, CacheLayout.ManifestDir(Dir), CacheLayout.Unconfined(foreign.Partition, foreign.File)!));
        foreach (PartRecord aside in state.Quarantined.Where(Wanted))
            skipped?.Invoke(new CacheProblem(CacheProblemKind.Quarantined, _parts.PathOf(aside), "quarantined after a failed read: its clips are tracked again by the next track; cache verify --repair removes it"));
        foreach (PartRecord part in state.Parts.Where(Wanted))
        {
            if (part.Clips.All(c => yielded.Contains(c.Key))) continue;
            Options.Faults?.BeforeRead(_parts.PathOf(part));
            (List<CachedClip>? clips, CacheProblem? problem) = await _parts.LoadAsync(part, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                await _quarantine.AddAsync(part, problem, ct).ConfigureAwait(false);
                skipped?.Invoke(problem);
                continue;
            }

            foreach (CachedClip clip in clips!)
            {
                if ((videoHash is null || clip.VideoHash == videoHash) && yielded.Add(clip.ClipKey)) yield return clip;
            }
        }
    }

    /// <summary>One listing per partition the manifest names, ordered by id.</summary>
    public IReadOnlyList<PartitionListing> List() =>
        State().Parts.GroupBy(p => p.Partition).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new PartitionListing(
            g.Key,
            TrackSetFile.TryRead(Dir, g.Key),
            g.SelectMany(p => p.Clips).Select(c => c.Video).Distinct().Count(),
            g.SelectMany(p => p.Clips).Select(c => c.Key).Distinct().Count(),
            g.Sum(p => (long)p.Rows),
            g.Count(),
            g.Sum(p => p.Bytes))).ToArray();

    /// <summary>
    /// Checks every live part and the manifest (see <see cref="CacheProblemKind"/>); with <paramref name="repair"/>,
    /// under the maintenance lock, drops broken parts from a new snapshot and deletes broken, stray and orphan files
    /// and torn entries, so a second verify comes back clean and the lost clips are recomputed by the next run.
    /// </summary>
    public async Task<VerifyReport> VerifyAsync(bool repair, CancellationToken ct)
    {
        var verifier = new Verifier(Dir, _log, _parts, _quarantine, Options);
        if (!repair) return await verifier.RunAsync(false, ct).ConfigureAwait(false);
        using MaintenanceLock held = await LockAsync(ct).ConfigureAwait(false);
        return await verifier.RunAsync(true, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// gc, under the maintenance lock: removes every clip whose video hash is not in <paramref name="keepVideoHashes"/>,
    /// deleting parts left empty and rewriting (atomically) parts that keep some rows, then writes a snapshot.
    /// </summary>
    public async Task<CollectReport> CollectAsync(IReadOnlySet<string> keepVideoHashes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keepVideoHashes);
        using MaintenanceLock held = await LockAsync(ct).ConfigureAwait(false);
        return await new Collector(Dir, _log, _parts, _quarantine, Options).RunAsync(keepVideoHashes, ct).ConfigureAwait(false);
    }

    /// <summary>What <see cref="CollectAsync"/> would remove for <paramref name="keepVideoHashes"/> now (gc --dry-run, and gc's safety checks); changes nothing.</summary>
    public CollectPlan PlanCollect(IReadOnlySet<string> keepVideoHashes)
    {
        ArgumentNullException.ThrowIfNull(keepVideoHashes);
        return Collector.Plan(State(), keepVideoHashes);
    }

    /// <summary>
    /// Compaction, under the maintenance lock: writes a snapshot of the live parts, then deletes the entries that it
    /// and the previous snapshot both hold. The finished set is unchanged.
    /// </summary>
    public async Task CompactAsync(CancellationToken ct)
    {
        using MaintenanceLock held = await LockAsync(ct).ConfigureAwait(false);
        await CompactHeldAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes one video's finished tracks as text (clips in clip order): <paramref name="set"/>'s, or when null the
    /// one partition that holds the video (an error names the partitions if several do).
    /// </summary>
    public async Task ExportAsync(TrackSet? set, string videoHash, ExportFormat format, TextWriter output, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(videoHash);
        ArgumentNullException.ThrowIfNull(output);
        if (!Enum.IsDefined(format)) throw new ArgumentOutOfRangeException(nameof(format), format, "export format must be csv or json");
        if (set is null)
        {
            string[] holders = State().Parts.Where(p => p.Clips.Any(c => c.Video == videoHash)).Select(p => p.Partition).Distinct().ToArray();
            if (holders.Length == 0) throw new KeyNotFoundException($"{Dir}: no finished clip of video {videoHash}");
            if (holders.Length > 1) throw new ArgumentException($"video {videoHash} is in {holders.Length} partitions ({string.Join(", ", holders)}); name the track set", nameof(set));
            set = TrackSetFile.TryRead(Dir, holders[0])
                ?? throw new InvalidOperationException($"{CacheLayout.PartitionDir(Dir, holders[0])}: {CacheLayout.SetFile} is missing, unreadable or describes another partition");
        }

        var clips = new List<CachedClip>();
        await foreach (CachedClip clip in ReadAsync(set, videoHash, ct).ConfigureAwait(false)) clips.Add(clip);
        await TrackExporter.WriteAsync(clips.OrderBy(c => c.ClipIndex), format, output, ct).ConfigureAwait(false);
    }

    // Readers' view: quarantined parts set aside. Maintenance reads the manifest itself and sees every record.
    private CacheState State() => CacheState.From(_log.ReadAll(), _quarantine.Read());

    private Task<MaintenanceLock> LockAsync(CancellationToken ct) =>
        MaintenanceLock.AcquireAsync(Path.Combine(Dir, CacheLayout.LockFile), Options.LockTimeout, Options.Clock, ct);

    private async Task CompactHeldAsync(CancellationToken ct)
    {
        CacheState state = CacheState.From(_log.ReadAll(ct));
        await Snapshots.WriteAsync(_log, state, state.Parts, Options.Clock, ct).ConfigureAwait(false);
        Snapshots.Prune(_log);
    }

    /// <summary>Compacts after a write once enough deltas follow the snapshot, unless maintenance is running (then it will).</summary>
    private async Task CompactIfDueAsync(long written, CancellationToken ct)
    {
        if (Options.CompactAfterDeltas == 0) return;
        long since = _log.List().Where(e => e.Snapshot).Select(e => e.Sequence).DefaultIfEmpty(0).Max();
        if (written - since < Options.CompactAfterDeltas) return;
        MaintenanceLock held;
        try
        {
            held = await MaintenanceLock.AcquireAsync(Path.Combine(Dir, CacheLayout.LockFile), TimeSpan.Zero, Options.Clock, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return;
        }

        using (held) await CompactHeldAsync(ct).ConfigureAwait(false);
    }
}
