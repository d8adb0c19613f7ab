using static TorchSharp.torch;

namespace MoSiC.Stream.Model.CoTracker;

/// <summary>A CoTracker forward as the windowed loop calls it: [B, L, 3, H, W] video, optional [B, N, 3] queries, grid size and frame.</summary>
public delegate CoTrackerPrediction CoTrackerPredict(Tensor video, Tensor? queries, int gridSize, int gridQueryFrame);

/// <summary>Tracks of a batch of clips: positions [B, T, N, 2] (pixels), visibility and confidence [B, T, N], row-major.</summary>
public sealed record WindowedTracks(float[] Positions, bool[] Visible, float[] Confidence);

/// <summary>
/// Runs a CoTracker predictor over clips longer than its window (<see cref="TrackWindows"/>): every window after the
/// first is queried with the previous window's tracks, at the overlap frame nearest the hand-over where the point is
/// visible, so memory is bounded by the window whatever the clip length. Each window's tracks are kept from its
/// <see cref="TrackWindow.Cut"/> on.
/// </summary>
public static class WindowedTracking
{
    /// <summary>Tracks <paramref name="queries"/> through <paramref name="frames"/> frames of <paramref name="clips"/> clips.</summary>
    /// <param name="predict">The predictor's forward (offline or online).</param>
    /// <param name="video">The [B, L, 3, H, W] float 0–255 video of one window, on the model's device.</param>
    /// <param name="device">The model's device, where queries go.</param>
    /// <param name="clips">B, clips in the batch.</param>
    /// <param name="frames">T, frames per clip.</param>
    /// <param name="queries">(frame, x, y) per point, the same for every clip; with a grid, the predictor's own grid points.</param>
    /// <param name="gridSize">The predictor's grid size when the first window uses its own grid (no explicit queries), else null.</param>
    /// <param name="windows">The clip's windows (<see cref="TrackWindows.Plan"/>).</param>
    /// <param name="ct">Checked between windows.</param>
    public static WindowedTracks Track(CoTrackerPredict predict, Func<TrackWindow, Tensor> video, Device device, int clips, int frames,
        IReadOnlyList<(int Frame, float X, float Y)> queries, int? gridSize, IReadOnlyList<TrackWindow> windows, CancellationToken ct)
    {
        int n = queries.Count;
        var tracks = new WindowedTracks(new float[clips * frames * n * 2], new bool[clips * frames * n], new float[clips * frames * n]);
        using var noGrad = no_grad();
        for (int k = 0; k < windows.Count; k++)
        {
            ct.ThrowIfCancellationRequested();
            TrackWindow w = windows[k];
            using var scope = NewDisposeScope();
            float[]? rows = k == 0 && gridSize is not null ? null
                : k == 0 ? FirstQueries(clips, queries)
                : Anchors(clips, frames, queries, w, windows[k - 1], tracks);
            Tensor? q = rows is null ? null : tensor(rows, [clips, n, 3]).to(device);
            int gridFrame = gridSize is null ? 0 : queries[0].Frame;
            using var prediction = predict(video(w), q, gridSize ?? 0, gridFrame);
            Keep(clips, frames, n, w, prediction, tracks);
        }

        return tracks;
    }

    private static float[] FirstQueries(int clips, IReadOnlyList<(int Frame, float X, float Y)> queries)
    {
        var rows = new float[clips * queries.Count * 3];
        for (int c = 0; c < clips; c++)
        {
            for (int i = 0; i < queries.Count; i++)
            {
                int at = (c * queries.Count + i) * 3;
                (rows[at], rows[at + 1], rows[at + 2]) = (queries[i].Frame, queries[i].X, queries[i].Y);
            }
        }

        return rows;
    }

    // Queries of a later window: a point whose own query frame is in the overlap keeps it; any other point is queried
    // with the tracks kept so far, at the overlap frame nearest the hand-over where it is visible (or the overlap's
    // first frame, which this window does not keep, when it is hidden throughout).
    private static float[] Anchors(int clips, int frames, IReadOnlyList<(int Frame, float X, float Y)> queries, TrackWindow w, TrackWindow previous, WindowedTracks kept)
    {
        int n = queries.Count;
        var rows = new float[clips * n * 3];
        for (int c = 0; c < clips; c++)
        {
            for (int i = 0; i < n; i++)
            {
                int frame = queries[i].Frame;
                if (frame < w.Start)
                {
                    frame = w.Start;
                    int best = int.MaxValue;
                    for (int f = w.Start; f < previous.End; f++)
                    {
                        int distance = Math.Abs(f - w.Cut);
                        if (kept.Visible[(c * frames + f) * n + i] && distance < best) (frame, best) = (f, distance);
                    }
                }

                int cell = (c * frames + frame) * n + i;
                int at = (c * n + i) * 3;
                (rows[at], rows[at + 1], rows[at + 2]) = (frame - w.Start, kept.Positions[2 * cell], kept.Positions[2 * cell + 1]);
            }
        }

        return rows;
    }

    private static void Keep(int clips, int frames, int n, TrackWindow w, CoTrackerPrediction prediction, WindowedTracks kept)
    {
        float[] tracks = prediction.Tracks.contiguous().cpu().data<float>().ToArray();
        bool[] vis = prediction.Visibility.contiguous().cpu().data<bool>().ToArray();
        float[] conf = prediction.ModelConf.narrow(2, 0, n).contiguous().cpu().data<float>().ToArray();
        for (int c = 0; c < clips; c++)
        {
            for (int f = w.Cut; f < w.End; f++)
            {
                int from = (c * w.Length + f - w.Start) * n, to = (c * frames + f) * n;
                Array.Copy(tracks, 2 * from, kept.Positions, 2 * to, 2 * n);
                Array.Copy(vis, from, kept.Visible, to, n);
                Array.Copy(conf, from, kept.Confidence, to, n);
            }
        }
    }
}
