namespace MoSiC.Stream.Synthetic;

/// <summary>A point in pixel coordinates (pixel centres at integer coordinates).</summary>
public readonly record struct Point2(double X, double Y);
