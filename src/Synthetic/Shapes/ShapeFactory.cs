namespace MoSiC.Stream.Synthetic;

/// <summary>Draws random shapes whose bounding radius is about <c>radius</c>.</summary>
internal static class ShapeFactory
{
    public const int KindCount = 3;

    public static IShape Create(int kind, double radius, Random rng) => kind switch
    {
        0 => new EllipseShape(radius, radius * rng.Uniform(0.55, 0.95)),
        // Scale so the corners, not the sides, sit on the bounding radius.
        1 => Rectangle(radius, rng.Uniform(0.45, 1.0)),
        _ => Polygon(radius, rng),
    };

    private static RectangleShape Rectangle(double radius, double aspect)
    {
        double diagonal = Math.Sqrt(1 + aspect * aspect);
        return new RectangleShape(radius / diagonal, radius * aspect / diagonal);
    }

    private static PolygonShape Polygon(double radius, Random rng)
    {
        int n = rng.Next(5, 9);
        var vertices = new Point2[n];
        double start = rng.NextDouble() * 2 * Math.PI;
        for (int i = 0; i < n; i++)
        {
            // Jittered angles keep the vertices ordered, so the outline never self-intersects.
            double angle = start + (i + rng.Uniform(-0.3, 0.3)) * 2 * Math.PI / n;
            double r = radius * rng.Uniform(0.6, 1.0);
            vertices[i] = new Point2(r * Math.Cos(angle), r * Math.Sin(angle));
        }

        return new PolygonShape(vertices);
    }
}
