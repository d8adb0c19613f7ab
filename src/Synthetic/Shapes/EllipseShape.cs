namespace MoSiC.Stream.Synthetic;

internal sealed class EllipseShape(double radiusX, double radiusY) : IShape
{
    private readonly double _invRx2 = 1.0 / (radiusX * radiusX);
    private readonly double _invRy2 = 1.0 / (radiusY * radiusY);

    public double BoundingRadius { get; } = Math.Max(radiusX, radiusY);

    public string Kind => "ellipse";

    public bool Contains(double x, double y) => x * x * _invRx2 + y * y * _invRy2 <= 1.0;
}
