namespace MoSiC.Stream.Synthetic;

/// <summary>
/// An object's centre, rotation and scale over time. Centres live in world coordinates, so the
/// camera pan moves objects too — except for screen-anchored objects, whose excursion is planned
/// in screen space to guarantee they leave the frame and come back.
/// </summary>
internal sealed record ObjectMotion
{
    public required Point2 Base { get; init; }

    public double VelocityX { get; init; }

    public double VelocityY { get; init; }

    public Wave WaveX { get; init; } = Wave.None;

    public Wave WaveY { get; init; } = Wave.None;

    /// <summary>Unit direction and length of a there-and-back trip over the clip (peak at the middle).</summary>
    public Point2 ExcursionDirection { get; init; }

    public double ExcursionLength { get; init; }

    public bool ScreenAnchored { get; init; }

    public double Angle { get; init; }

    public double Spin { get; init; }

    public Wave AngleWave { get; init; } = Wave.None;

    public Wave ScaleWave { get; init; } = Wave.None;

    /// <summary>Smallest scale the object reaches.</summary>
    public double MinScale => 1 - Math.Abs(ScaleWave.Amplitude);

    /// <summary>Largest scale the object reaches.</summary>
    public double MaxScale => 1 + Math.Abs(ScaleWave.Amplitude);

    public ObjectPose PoseAt(int frame, int frames, Point2 camera)
    {
        double trip = frames > 1 ? ExcursionLength * Math.Sin(Math.PI * frame / (frames - 1)) : 0;
        double x = Base.X + VelocityX * frame + WaveX.At(frame) + ExcursionDirection.X * trip;
        double y = Base.Y + VelocityY * frame + WaveY.At(frame) + ExcursionDirection.Y * trip;
        if (!ScreenAnchored)
        {
            x -= camera.X;
            y -= camera.Y;
        }

        double angle = Angle + Spin * frame + AngleWave.At(frame);
        return new ObjectPose(x, y, angle, 1 + ScaleWave.At(frame));
    }
}
