namespace MoSiC.Stream.Stages.Track;

/// <summary>
/// CoTracker's query grid (<c>get_points_on_a_grid</c>): margin m = W/64 of the extent, y = linspace(m, H−m, G)
/// as the outer index, x = linspace(m, W−m, G) inner, all on one frame; G = 1 gives the centre.
/// </summary>
public static class QueryGrid
{
    /// <summary>CoTracker3's model extent (384×512): the offline predictor lays its grid out there, then rescales it.</summary>
    public const int CoTrackerWidth = 512, CoTrackerHeight = 384;

    /// <summary>G·G points laid out over the frame itself (width × height), queried on <paramref name="frame"/>.</summary>
    public static TrackQuery[] Points(int size, int width, int height, int frame = 0) =>
        Points(size, width, height, width, height, frame);

    /// <summary>
    /// G·G points laid out over an extent (e.g. the model's 512×384) and mapped to the frame the way the
    /// CoTracker predictor maps its outputs back: x·(width−1)/(extentWidth−1), y·(height−1)/(extentHeight−1).
    /// With the extent equal to the frame the mapping is the identity.
    /// </summary>
    public static TrackQuery[] Points(int size, int width, int height, int extentWidth, int extentHeight, int frame = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(extentWidth, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(extentHeight, 2);

        bool identity = extentWidth == width && extentHeight == height;
        double sx = identity ? 1 : (width - 1.0) / (extentWidth - 1.0);
        double sy = identity ? 1 : (height - 1.0) / (extentHeight - 1.0);
        double[] xs = Linspace(extentWidth, extentWidth / 64.0, size);
        double[] ys = Linspace(extentHeight, extentWidth / 64.0, size);

        var points = new TrackQuery[size * size];
        for (int row = 0; row < size; row++)
        {
            for (int col = 0; col < size; col++)
            {
                points[row * size + col] = new TrackQuery(frame, (float)(xs[col] * sx), (float)(ys[row] * sy));
            }
        }

        return points;
    }

    private static double[] Linspace(int extent, double margin, int count)
    {
        if (count == 1)
        {
            return [extent / 2.0];
        }

        double start = margin, stop = extent - margin, step = (stop - start) / (count - 1);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = i == count - 1 ? stop : start + i * step;
        }

        return values;
    }
}
