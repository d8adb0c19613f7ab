namespace MoSiC.Stream.Synthetic;

/// <summary>A closed region in an object's local frame, centred on the origin.</summary>
internal interface IShape
{
    /// <summary>Radius of a circle about the origin that contains the whole shape.</summary>
    double BoundingRadius { get; }

    /// <summary>Name written to diagnostics.</summary>
    string Kind { get; }

    bool Contains(double x, double y);
}
