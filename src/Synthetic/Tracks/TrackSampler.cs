namespace MoSiC.Stream.Synthetic;

/// <summary>
/// Picks query points on frame 0 — half spread over the visible objects, the rest on background —
/// and follows each through the clip with the renderer's own transforms.
/// </summary>
internal static class TrackSampler
{
    // Object points keep this many screen pixels from their own outline (at the smallest scale),
    // so the pixel they round to is still inside the object on every frame.
    private const double EdgeMargin = 1.5;
    private const int MinVisiblePixels = 16;

    private static readonly Point2[] Ring = Enumerable.Range(0, 8)
        .Select(i => new Point2(Math.Cos(i * Math.PI / 4), Math.Sin(i * Math.PI / 4)))
        .ToArray();

    public static SyntheticTracks Sample(SyntheticScene scene, string video, int fps, int count, Random rng)
    {
        List<int>[] pixels = PixelsByLabel(scene);
        var seeds = new List<(int Label, Point2 Anchor)>(count);

        SceneObject[] visible = scene.Objects.Where(o => pixels[o.Label].Count >= MinVisiblePixels).ToArray();
        if (visible.Length > 0)
        {
            int perObject = Math.Max(1, count / 2 / visible.Length);
            foreach (SceneObject obj in visible)
            {
                int quota = Math.Min(perObject, count - seeds.Count);
                for (int attempt = 0, taken = 0; taken < quota && attempt < 50 * quota; attempt++)
                {
                    Point2 p = Jitter(scene, pixels[obj.Label], rng);
                    if (scene.TopLabelAt(0, p.X, p.Y) == obj.Label && TryAnchorOnObject(scene, obj, p, out Point2 local))
                    {
                        seeds.Add((obj.Label, local));
                        taken++;
                    }
                }
            }
        }

        Point2 camera0 = scene.Cameras[0];
        int backgroundQuota = count - seeds.Count;
        for (int attempt = 0; seeds.Count < count && attempt < 50 * backgroundQuota && pixels[0].Count > 0; attempt++)
        {
            Point2 p = Jitter(scene, pixels[0], rng);
            if (ClearOfObjects(scene, p))
            {
                seeds.Add((0, new Point2(p.X + camera0.X, p.Y + camera0.Y)));
            }
        }

        // Rare crowded frames: fill up with unconstrained background, so the count is always what was asked.
        while (seeds.Count < count)
        {
            var p = new Point2(rng.Next(scene.Width), rng.Next(scene.Height));
            seeds.Add((0, new Point2(p.X + camera0.X, p.Y + camera0.Y)));
        }

        return Follow(scene, video, fps, seeds);
    }

    private static SyntheticTracks Follow(SyntheticScene scene, string video, int fps, List<(int Label, Point2 Anchor)> seeds)
    {
        int frames = scene.Frames;
        var points = new double[seeds.Count][][];
        var occluded = new bool[seeds.Count][];
        for (int i = 0; i < seeds.Count; i++)
        {
            var anchor = new SceneAnchor(seeds[i].Label, seeds[i].Anchor);
            points[i] = new double[frames][];
            occluded[i] = new bool[frames];
            for (int t = 0; t < frames; t++)
            {
                Point2 p = anchor.PositionAt(scene, t);
                occluded[i][t] = anchor.HiddenAt(scene, t, p);
                // Millipixel precision keeps the files small and their bytes stable.
                points[i][t] = [Math.Round(p.X, 3), Math.Round(p.Y, 3)];
            }
        }

        return new SyntheticTracks
        {
            Video = video,
            Width = scene.Width,
            Height = scene.Height,
            Fps = fps,
            Frames = frames,
            Points = points,
            Occluded = occluded,
            Object = seeds.Select(s => s.Label).ToArray(),
        };
    }

    private static bool TryAnchorOnObject(SyntheticScene scene, SceneObject obj, Point2 screen, out Point2 local)
    {
        ObjectPose pose = scene.PoseOf(obj, 0);
        local = pose.ToLocal(screen.X, screen.Y);
        double margin = EdgeMargin / obj.Motion.MinScale;
        foreach (Point2 d in Ring)
        {
            if (!obj.Shape.Contains(local.X + margin * d.X, local.Y + margin * d.Y))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ClearOfObjects(SyntheticScene scene, Point2 p)
    {
        if (scene.TopLabelAt(0, p.X, p.Y) != 0)
        {
            return false;
        }

        foreach (Point2 d in Ring)
        {
            if (scene.TopLabelAt(0, p.X + EdgeMargin * d.X, p.Y + EdgeMargin * d.Y) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A random point inside a random pixel of the list.</summary>
    private static Point2 Jitter(SyntheticScene scene, List<int> pixels, Random rng)
    {
        int index = pixels[rng.Next(pixels.Count)];
        return new Point2(index % scene.Width + rng.NextDouble() - 0.5, index / scene.Width + rng.NextDouble() - 0.5);
    }

    private static List<int>[] PixelsByLabel(SyntheticScene scene)
    {
        var pixels = Enumerable.Range(0, scene.Objects.Count + 1).Select(_ => new List<int>()).ToArray();
        for (int y = 0; y < scene.Height; y++)
        {
            for (int x = 0; x < scene.Width; x++)
            {
                pixels[scene.TopLabelAt(0, x, y)].Add(y * scene.Width + x);
            }
        }

        return pixels;
    }
}
