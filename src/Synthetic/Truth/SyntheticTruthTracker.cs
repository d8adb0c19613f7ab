using System.Globalization;
using MoSiC.Stream.Core.Options;
using MoSiC.Stream.Stages.Track;

namespace MoSiC.Stream.Synthetic;

/// <summary>
/// The tracker <c>synthetic-truth</c>: answers any query points of a clip of a synthetic corpus from the scene the
/// corpus was rendered from, not from its pixels. Each query is fixed to the content under it on its query frame
/// (<see cref="SceneAnchor"/>); its position and occlusion on every other frame are exactly as rendered. It separates
/// "the objective works" from "the tracker is good enough". Clips of any other video are refused.
/// </summary>
/// <remarks>
/// Decoded frames are mapped to the rendered ones by time (frame round(t · fps) of the corpus) and by size (the
/// decode size's scale, pixel-centre convention, which every resize mode keeps axis-aligned): exact when the pipeline
/// decodes at the corpus's frame rate or a divisor of it.
/// </remarks>
public sealed class SyntheticTruthTracker : IPointTracker
{
    /// <summary>The pipeline name of this tracker.</summary>
    public const string Name = TrackerOptions.SyntheticTruth;

    private readonly Dictionary<string, SyntheticVideo> _videos = new(StringComparer.Ordinal);

    /// <summary>The identity of every synthetic-truth tracker.</summary>
    public static TrackerIdentity TrackerId { get; } = new(Name, 1, []);

    /// <summary>How the runner registers this tracker with the stage's catalog (Stages cannot reference Synthetic).</summary>
    public static TrackerRegistration Registration { get; } = new(Name, _ => TrackerId, (_, _, _, _) => new SyntheticTruthTracker());

    public TrackerIdentity Identity => TrackerId;

    public ValueTask<TrackResult> TrackAsync(ClipBatch batch, QuerySpec queries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(queries);
        TrackQuery[] q = queries.Resolve(batch.Width, batch.Height, batch.Frames);
        int t = batch.Frames, n = q.Length;
        var positions = new float[batch.Count * t * n * 2];
        var visible = new bool[batch.Count * t * n];
        for (int b = 0; b < batch.Count; b++)
        {
            ct.ThrowIfCancellationRequested();
            TrackClip clip = batch.Clips[b];
            SyntheticVideo video = VideoOf(clip);
            SyntheticScene scene = video.Scene;
            int[] frames = SceneFrames(clip, video);
            double sx = (double)batch.Width / video.Width, sy = (double)batch.Height / video.Height;
            for (int p = 0; p < n; p++)
            {
                // Query pixel of the decoded frame → rendered pixel, same pixel-centre convention both ways.
                SceneAnchor anchor = SceneAnchor.Under(scene, frames[q[p].Frame], (q[p].X + 0.5) / sx - 0.5, (q[p].Y + 0.5) / sy - 0.5);
                for (int f = 0; f < t; f++)
                {
                    Point2 at = anchor.PositionAt(scene, frames[f]);
                    int cell = (b * t + f) * n + p;
                    positions[2 * cell] = (float)((at.X + 0.5) * sx - 0.5);
                    positions[2 * cell + 1] = (float)((at.Y + 0.5) * sy - 0.5);
                    visible[cell] = !anchor.HiddenAt(scene, frames[f], at);
                }
            }
        }

        return ValueTask.FromResult(new TrackResult(batch.Count, t, q, positions, visible));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // The corpus video a clip was decoded from: <root>/videos/NAME.mp4 listed in <root>/corpus.json.
    private SyntheticVideo VideoOf(TrackClip clip)
    {
        ClipOrigin origin = clip.Origin
            ?? throw new ArgumentException($"{Name} tracks only clips of synthetic corpora, and clip {clip.Id} names no source video");
        string path = Path.GetFullPath(origin.VideoPath);
        if (_videos.TryGetValue(path, out SyntheticVideo? known)) return known;
        string? root = Path.GetDirectoryName(Path.GetDirectoryName(path));
        int index = -1;
        SyntheticCorpusManifest? manifest = null;
        if (root is not null && File.Exists(Path.Combine(root, CorpusLayout.ManifestFile)))
        {
            manifest = SyntheticCorpus.ReadManifest(root);
            index = manifest.Videos.Select((v, i) => (v, i)).FirstOrDefault(e => Path.GetFullPath(CorpusLayout.Resolve(root, e.v.File)) == path, (null!, -1)).Item2;
        }
        if (manifest is null || index < 0)
            throw new ArgumentException($"{origin.VideoPath}: not a video of a synthetic corpus (no {CorpusLayout.ManifestFile} two folders up lists it); " +
                $"{Name} reads tracks from the scene a synthetic corpus is rendered from, so it cannot track other videos: use lk or cotracker3-offline");
        return _videos[path] = SyntheticVideo.Create(manifest.Options, index);
    }

    // The rendered frame each decoded frame of the clip shows.
    private static int[] SceneFrames(TrackClip clip, SyntheticVideo video)
    {
        IReadOnlyList<double> times = clip.Origin!.TimestampsSeconds;
        if (times.Count != clip.Frames.Count)
            throw new ArgumentException($"clip {clip.Id}: {times.Count} timestamps for {clip.Frames.Count} frames");
        return [.. times.Select(s =>
        {
            int frame = (int)Math.Round(s * video.Fps);
            return frame >= 0 && frame < video.Frames ? frame
                : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"clip {clip.Id}: a frame at {s:F3} s is outside {video.Name}'s {video.Frames} frames at {video.Fps} fps"));
        })];
    }
}
