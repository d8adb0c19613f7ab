using MoSiC.Stream.Core.Options;
using OpenCvSharp;

namespace MoSiC.Stream.Stages.Track.LucasKanade;

/// <summary>Tracks the queries through one clip (see <see cref="LucasKanadeTracker"/> for the policy).</summary>
internal sealed class LkClip(LucasKanadeOptions options, TrackClip clip, int width, int height, TrackQuery[] queries)
{
    private readonly Size _window = new(options.Window, options.Window);
    private readonly TermCriteria _criteria = new(CriteriaTypes.Count | CriteriaTypes.Eps, options.Iterations, options.Epsilon);

    // Per point: where it is (while lost, LK's best guess), whether it is visible, whether its query frame has
    // passed, and the frame and position where it was last seen (where re-finding starts).
    private readonly Point2f[] _position = new Point2f[queries.Length];
    private readonly Point2f[] _seenAt = new Point2f[queries.Length];
    private readonly bool[] _visible = new bool[queries.Length];
    private readonly bool[] _started = new bool[queries.Length];
    private readonly int[] _seenOn = new int[queries.Length];

    /// <summary>Writes (T, N, 2) positions and (T, N) visibility.</summary>
    public void Run(Span<float> positions, Span<bool> visible, CancellationToken ct)
    {
        int frames = clip.Frames.Count, n = queries.Length;
        var gray = new Mat?[frames];
        try
        {
            for (int t = 0; t < frames; t++)
            {
                ct.ThrowIfCancellationRequested();
                gray[t] = GrayFrame.FromRgb(clip.Frames[t], width, height);
                if (t > 0)
                {
                    Advance(gray, t);
                }

                for (int p = 0; p < n; p++)
                {
                    if (queries[p].Frame == t)
                    {
                        _position[p] = _seenAt[p] = new Point2f(queries[p].X, queries[p].Y);
                        (_visible[p], _started[p], _seenOn[p]) = (true, true, t);
                    }

                    Point2f at = _started[p] ? _position[p] : new Point2f(queries[p].X, queries[p].Y);
                    positions[2 * (t * n + p)] = at.X;
                    positions[2 * (t * n + p) + 1] = at.Y;
                    visible[t * n + p] = _started[p] && _visible[p];
                }

                Release(gray, t);
            }
        }
        finally
        {
            foreach (Mat? image in gray)
            {
                image?.Dispose();
            }
        }
    }

    /// <summary>Moves every started point from frame t−1 (or, for lost points, from where they were last seen) to frame t.</summary>
    private void Advance(Mat?[] gray, int t)
    {
        // Points lost before t−1 are tried first, grouped by the frame they were last seen on, so that a
        // point lost just now (on t−1 → t) is not retried from the very frames that just failed. Each retry is
        // an LK call over a different frame pair, so a lost point is retried only when the gap since it was
        // last seen is a power of two (2, 4, 8, …): at most log2(T) calls per frame instead of one per lost-on frame.
        if (options.Refind)
        {
            foreach (IGrouping<int, int> group in Enumerable.Range(0, queries.Length)
                         .Where(p => _started[p] && !_visible[p] && _seenOn[p] < t - 1 && int.IsPow2(t - _seenOn[p]))
                         .GroupBy(p => _seenOn[p]))
            {
                Follow(gray[group.Key]!, gray[t]!, [.. group], t);
            }
        }

        int[] tracked = Enumerable.Range(0, queries.Length).Where(p => _started[p] && _visible[p] && _seenOn[p] == t - 1).ToArray();
        Follow(gray[t - 1]!, gray[t]!, tracked, t);
    }

    /// <summary>LK from <paramref name="from"/> to <paramref name="to"/> and back; points passing every check are seen on frame t.</summary>
    private void Follow(Mat from, Mat to, int[] points, int t)
    {
        if (points.Length == 0)
        {
            return;
        }

        Point2f[] start = points.Select(p => _seenAt[p]).ToArray();
        Point2f[] forward = Track(from, to, start, out byte[] forwardOk);

        // Only points that landed inside the frame are worth the backward pass (LK treats points independently).
        int[] landed = Enumerable.Range(0, points.Length).Where(i => forwardOk[i] != 0 && Inside(forward[i])).ToArray();
        var consistent = new bool[points.Length];
        if (landed.Length > 0)
        {
            Point2f[] backward = Track(to, from, landed.Select(i => forward[i]).ToArray(), out byte[] backwardOk);
            double limit = options.ForwardBackwardPixels * options.ForwardBackwardPixels;
            for (int j = 0; j < landed.Length; j++)
            {
                double d = start[landed[j]].DistanceTo(backward[j]);
                consistent[landed[j]] = backwardOk[j] != 0 && d * d <= limit;
            }
        }

        foreach (int i in landed)
        {
            // Landed but inconsistent: hidden, yet LK's guess is a better position than the last sighting for
            // anything that reads positions of hidden points.
            int p = points[i];
            _position[p] = forward[i];
            if (consistent[i])
            {
                _seenAt[p] = forward[i];
                (_visible[p], _seenOn[p]) = (true, t);
            }
        }

        for (int i = 0; i < points.Length; i++)
        {
            if (!consistent[i]) _visible[points[i]] = false;
        }
    }

    private bool Inside(Point2f p) => p.X >= 0 && p.Y >= 0 && p.X <= width - 1 && p.Y <= height - 1;

    // Plain images, not cached pyramids: measured here, OpenCV building both pyramids on every call was 7-20%
    // faster than reusing buildOpticalFlowPyramid output (which also needs a vector<Mat> proxy OpenCvSharp 4.13 frees too early).
    private Point2f[] Track(Mat from, Mat to, Point2f[] start, out byte[] status)
    {
        Point2f[] end = [];
        Cv2.CalcOpticalFlowPyrLK(from, to, start, ref end, out status, out _, _window, options.Levels, _criteria,
            OpticalFlowFlags.None, options.MinEigenvalue);
        return end;
    }

    /// <summary>Frees frames that neither the next step nor any lost point's re-find can use.</summary>
    private void Release(Mat?[] gray, int t)
    {
        int keepFrom = t;
        if (options.Refind)
        {
            for (int p = 0; p < queries.Length; p++)
            {
                if (_started[p] && !_visible[p])
                {
                    keepFrom = Math.Min(keepFrom, _seenOn[p]);
                }
            }
        }

        for (int f = 0; f < keepFrom; f++)
        {
            gray[f]?.Dispose();
            gray[f] = null;
        }
    }
}
