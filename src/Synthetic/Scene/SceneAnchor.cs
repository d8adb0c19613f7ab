namespace MoSiC.Stream.Synthetic;

/// <summary>
/// A point fixed to the content it lies on: a point in an object's own frame (label k ≥ 1) or in world coordinates on
/// the background (label 0). The renderer paints both through the same transforms, so following an anchor is exact:
/// its screen position on any frame shows the same painted content, and it is hidden exactly when another object
/// covers it or it leaves the frame.
/// </summary>
internal readonly record struct SceneAnchor(int Label, Point2 Anchor)
{
    /// <summary>The content under screen point (x, y) of <paramref name="frame"/>: the topmost object there, else the background.</summary>
    public static SceneAnchor Under(SyntheticScene scene, int frame, double x, double y) => On(scene, scene.TopLabelAt(frame, x, y), frame, x, y);

    /// <summary>Screen point (x, y) of <paramref name="frame"/> fixed to object <paramref name="label"/> (0: the background).</summary>
    public static SceneAnchor On(SyntheticScene scene, int label, int frame, double x, double y)
    {
        if (label == 0)
        {
            Point2 camera = scene.Cameras[frame];
            return new SceneAnchor(0, new Point2(x + camera.X, y + camera.Y));
        }

        return new SceneAnchor(label, scene.PoseOf(scene.Objects[label - 1], frame).ToLocal(x, y));
    }

    /// <summary>Screen position on <paramref name="frame"/>.</summary>
    public Point2 PositionAt(SyntheticScene scene, int frame) => Label == 0
        ? new Point2(Anchor.X - scene.Cameras[frame].X, Anchor.Y - scene.Cameras[frame].Y)
        : scene.PoseOf(scene.Objects[Label - 1], frame).ToScreen(Anchor);

    /// <summary>Whether <paramref name="position"/> (this anchor's position on <paramref name="frame"/>) is outside the frame or under another object.</summary>
    public bool HiddenAt(SyntheticScene scene, int frame, Point2 position) =>
        !scene.InFrame(position.X, position.Y) || scene.TopLabelAt(frame, position.X, position.Y) != Label;
}
