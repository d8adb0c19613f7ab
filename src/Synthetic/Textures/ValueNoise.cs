namespace MoSiC.Stream.Synthetic;

/// <summary>Random values on a square lattice, smoothly interpolated: blobs about <c>spacing</c> texels wide.</summary>
internal sealed class ValueNoise
{
    private readonly double _spacing;
    private readonly int _columns;
    private readonly double[] _lattice;

    public ValueNoise(double width, double height, double spacing, Random rng)
    {
        _spacing = spacing;
        _columns = (int)Math.Ceiling(width / spacing) + 2;
        int rows = (int)Math.Ceiling(height / spacing) + 2;
        _lattice = new double[_columns * rows];
        for (int i = 0; i < _lattice.Length; i++)
        {
            _lattice[i] = rng.NextDouble();
        }
    }

    /// <summary>Value in [0, 1] at texel (x, y), for 0 &lt;= x &lt; width and 0 &lt;= y &lt; height.</summary>
    public double Sample(double x, double y)
    {
        double gx = x / _spacing;
        double gy = y / _spacing;
        int ix = (int)gx;
        int iy = (int)gy;
        double fx = Smooth(gx - ix);
        double fy = Smooth(gy - iy);
        int i = iy * _columns + ix;
        double top = _lattice[i] + (_lattice[i + 1] - _lattice[i]) * fx;
        double bottom = _lattice[i + _columns] + (_lattice[i + _columns + 1] - _lattice[i + _columns]) * fx;
        return top + (bottom - top) * fy;
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);
}
