namespace MoSiC.Stream.Synthetic;

/// <summary>A simple polygon (star-shaped about the origin), tested by even-odd crossings.</summary>
internal sealed class PolygonShape : IShape
{
    private readonly double[] _xs;
    private readonly double[] _ys;

    public PolygonShape(IReadOnlyList<Point2> vertices)
    {
        _xs = vertices.Select(v => v.X).ToArray();
        _ys = vertices.Select(v => v.Y).ToArray();
        BoundingRadius = vertices.Max(v => Math.Sqrt(v.X * v.X + v.Y * v.Y));
    }

    public double BoundingRadius { get; }

    public string Kind => "polygon";

    public bool Contains(double x, double y)
    {
        bool inside = false;
        int n = _xs.Length;
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            double yi = _ys[i];
            double yj = _ys[j];
            if ((yi > y) != (yj > y))
            {
                double crossX = _xs[j] + (y - yj) * (_xs[i] - _xs[j]) / (yi - yj);
                if (x < crossX)
                {
                    inside = !inside;
                }
            }
        }

        return inside;
    }
}
