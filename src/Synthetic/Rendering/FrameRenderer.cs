namespace MoSiC.Stream.Synthetic;

/// <summary>Paints one frame (RGB24, row-major) and its label mask, back to front.</summary>
internal static class FrameRenderer
{
    public static void Render(SyntheticScene scene, int frame, Span<byte> rgb, Span<byte> labels)
    {
        int width = scene.Width;
        int height = scene.Height;
        if (rgb.Length != width * height * 3 || labels.Length != width * height)
        {
            throw new ArgumentException($"buffers must be {width * height * 3} (rgb) and {width * height} (labels) bytes, got {rgb.Length} and {labels.Length}");
        }

        Point2 camera = scene.Cameras[frame];
        TextureBitmap background = scene.Background;
        for (int y = 0; y < height; y++)
        {
            background.SampleRowInto(camera.X, y + camera.Y, width, rgb.Slice(y * width * 3, width * 3));
        }

        labels.Clear();
        foreach (SceneObject obj in scene.DrawOrder)
        {
            Paint(scene, obj, frame, rgb, labels);
        }
    }

    private static void Paint(SyntheticScene scene, SceneObject obj, int frame, Span<byte> rgb, Span<byte> labels)
    {
        ObjectPose pose = scene.PoseOf(obj, frame);
        double reach = obj.Shape.BoundingRadius * pose.Scale;
        int x0 = Math.Max(0, (int)Math.Ceiling(pose.OriginX - reach));
        int x1 = Math.Min(scene.Width - 1, (int)Math.Floor(pose.OriginX + reach));
        int y0 = Math.Max(0, (int)Math.Ceiling(pose.OriginY - reach));
        int y1 = Math.Min(scene.Height - 1, (int)Math.Floor(pose.OriginY + reach));
        byte label = (byte)obj.Label;
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                // Inverse transform per pixel: the texture is sampled in the object's own frame, so it moves rigidly with it.
                Point2 local = pose.ToLocal(x, y);
                if (obj.Shape.Contains(local.X, local.Y))
                {
                    int i = y * scene.Width + x;
                    obj.Texture.SampleInto(local.X, local.Y, rgb, i * 3);
                    labels[i] = label;
                }
            }
        }
    }
}
