namespace MoSiC.Stream.Synthetic;

/// <summary>
/// Everything needed to render a clip and its ground truth: background, camera path and objects,
/// with every pose precomputed so rendering and tracking read the very same numbers.
/// </summary>
internal sealed class SyntheticScene
{
    private readonly ObjectPose[][] _poses;

    public SyntheticScene(int width, int height, int frames, TextureBitmap background, CameraMotion camera, IReadOnlyList<SceneObject> objects)
    {
        Width = width;
        Height = height;
        Frames = frames;
        Background = background;
        Objects = objects;
        DrawOrder = objects.OrderBy(o => o.Depth).ToArray();
        Cameras = Enumerable.Range(0, frames).Select(camera.At).ToArray();
        _poses = Enumerable.Range(0, frames)
            .Select(t => objects.Select(o => o.Motion.PoseAt(t, frames, Cameras[t])).ToArray())
            .ToArray();
    }

    public int Width { get; }

    public int Height { get; }

    public int Frames { get; }

    public TextureBitmap Background { get; }

    /// <summary>Objects by label: Objects[k - 1] has label k.</summary>
    public IReadOnlyList<SceneObject> Objects { get; }

    /// <summary>Objects from the bottom layer to the top.</summary>
    public IReadOnlyList<SceneObject> DrawOrder { get; }

    /// <summary>World coordinate at screen (0, 0), per frame.</summary>
    public IReadOnlyList<Point2> Cameras { get; }

    public ObjectPose PoseOf(SceneObject obj, int frame) => _poses[frame][obj.Label - 1];

    /// <summary>Label of the topmost object covering screen point (x, y) on a frame; 0 for background.</summary>
    public int TopLabelAt(int frame, double x, double y)
    {
        for (int i = DrawOrder.Count - 1; i >= 0; i--)
        {
            SceneObject obj = DrawOrder[i];
            if (Covers(obj, frame, x, y))
            {
                return obj.Label;
            }
        }

        return 0;
    }

    public bool Covers(SceneObject obj, int frame, double x, double y)
    {
        ObjectPose pose = PoseOf(obj, frame);
        double reach = obj.Shape.BoundingRadius * pose.Scale;
        if (Math.Abs(x - pose.OriginX) > reach || Math.Abs(y - pose.OriginY) > reach)
        {
            return false;
        }

        Point2 local = pose.ToLocal(x, y);
        return obj.Shape.Contains(local.X, local.Y);
    }

    /// <summary>Whether a point rounds to a pixel inside the frame.</summary>
    public bool InFrame(double x, double y) => x >= -0.5 && x < Width - 0.5 && y >= -0.5 && y < Height - 0.5;
}
