namespace MoSiC.Stream.Synthetic;

internal sealed class RectangleShape(double halfWidth, double halfHeight) : IShape
{
    public double BoundingRadius { get; } = Math.Sqrt(halfWidth * halfWidth + halfHeight * halfHeight);

    public string Kind => "rectangle";

    public bool Contains(double x, double y) => Math.Abs(x) <= halfWidth && Math.Abs(y) <= halfHeight;
}
