namespace MoSiC.Stream.Synthetic;

/// <summary>Camera translation over the world: a slow drift plus a sway on each axis.</summary>
internal sealed record CameraMotion(double DriftX, double DriftY, Wave SwayX, Wave SwayY)
{
    public static CameraMotion Still { get; } = new(0, 0, Wave.None, Wave.None);

    /// <summary>World coordinate shown at screen (0, 0) on <paramref name="frame"/>.</summary>
    public Point2 At(int frame) => new(DriftX * frame + SwayX.At(frame), DriftY * frame + SwayY.At(frame));
}
