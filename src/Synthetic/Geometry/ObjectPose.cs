namespace MoSiC.Stream.Synthetic;

/// <summary>
/// Similarity transform from an object's local frame to screen pixels at one frame:
/// screen = origin + scale · R(angle) · local. Renderer, occlusion test and tracks all go
/// through this one type so the ground truth matches the pixels exactly.
/// </summary>
internal readonly struct ObjectPose
{
    public ObjectPose(double originX, double originY, double angle, double scale)
    {
        OriginX = originX;
        OriginY = originY;
        Scale = scale;
        _inverseScale = 1.0 / scale;
        Cos = Math.Cos(angle);
        Sin = Math.Sin(angle);
    }

    private readonly double _inverseScale;

    public double OriginX { get; }

    public double OriginY { get; }

    public double Scale { get; }

    public double Cos { get; }

    public double Sin { get; }

    public Point2 ToScreen(Point2 local)
    {
        double x = Scale * (Cos * local.X - Sin * local.Y);
        double y = Scale * (Sin * local.X + Cos * local.Y);
        return new Point2(OriginX + x, OriginY + y);
    }

    public Point2 ToLocal(double screenX, double screenY)
    {
        double dx = screenX - OriginX;
        double dy = screenY - OriginY;
        return new Point2((Cos * dx + Sin * dy) * _inverseScale, (-Sin * dx + Cos * dy) * _inverseScale);
    }
}
