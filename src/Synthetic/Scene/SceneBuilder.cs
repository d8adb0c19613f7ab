using MoSiC.Stream.Core.Options;
namespace MoSiC.Stream.Synthetic;

/// <summary>Draws a random scene for one video. Every random choice comes from the given generator, in a fixed order.</summary>
internal static class SceneBuilder
{
    public static SyntheticScene Build(SynthOptions options, Random rng)
    {
        int width = options.Width;
        int height = options.Height;
        int frames = options.Frames;
        // Periods never shrink below a second's worth of frames, so short clips do not jitter.
        double span = Math.Max(frames, 24);
        double minSide = Math.Min(width, height);

        CameraMotion camera = options.PanBackground
            ? new CameraMotion(
                rng.Uniform(-0.4, 0.4),
                rng.Uniform(-0.25, 0.25),
                Wave.Random(rng, rng.Uniform(0.03, 0.07) * width, span),
                Wave.Random(rng, rng.Uniform(0.02, 0.05) * height, span))
            : CameraMotion.Still;

        int count = rng.Next(options.MinObjects, options.MaxObjects + 1);
        int[] depths = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(depths);
        int shapeOffset = rng.Next(ShapeFactory.KindCount);
        int textureOffset = rng.Next(TextureFactory.KindCount);
        int traveller = rng.Next(count);

        Point2 camera0 = camera.At(0);
        var objects = new SceneObject[count];
        for (int i = 0; i < count; i++)
        {
            double radius = rng.Uniform(0.12, 0.2) * minSide;
            IShape shape = ShapeFactory.Create((shapeOffset + i) % ShapeFactory.KindCount, radius, rng);
            int textureKind = (textureOffset + i) % TextureFactory.KindCount;
            TextureBitmap texture = TextureFactory.ForObject(textureKind, shape.BoundingRadius, rng);
            ObjectMotion motion = i == traveller
                ? Traveller(shape.BoundingRadius, width, height, span, rng)
                : Wanderer(width, height, span, camera0, rng);
            objects[i] = new SceneObject(i + 1, depths[i], shape, TextureFactory.KindName(textureKind), texture, motion);
        }

        TextureBitmap background = Background(camera, frames, width, height, rng);
        return new SyntheticScene(width, height, frames, background, camera, objects);
    }

    private static ObjectMotion Wanderer(int width, int height, double span, Point2 camera0, Random rng)
    {
        var waveX = Wave.Random(rng, rng.Uniform(4, 0.07 * width), span);
        var waveY = Wave.Random(rng, rng.Uniform(4, 0.07 * height), span);
        var start = new Point2(rng.Uniform(0.2, 0.8) * width, rng.Uniform(0.2, 0.8) * height);
        // Drifting across the middle makes paths cross, so objects occlude one another.
        double drift = rng.Uniform(0.6, 1.6) / span;
        return new ObjectMotion
        {
            // Chosen so the object starts at `start` on screen whatever its waves and the camera do.
            Base = new Point2(start.X + camera0.X - waveX.At(0), start.Y + camera0.Y - waveY.At(0)),
            VelocityX = (width / 2.0 - start.X) * drift,
            VelocityY = (height / 2.0 - start.Y) * drift,
            WaveX = waveX,
            WaveY = waveY,
            Angle = rng.NextDouble() * 2 * Math.PI,
            Spin = rng.Sign() * rng.Uniform(0.008, 0.03),
            AngleWave = Wave.Random(rng, rng.Uniform(0.05, 0.25), span),
            ScaleWave = Wave.Random(rng, rng.Uniform(0.1, 0.25), span),
        };
    }

    /// <summary>
    /// An object that starts mostly visible next to an edge, leaves the frame entirely around the
    /// middle of the clip and comes back: ground truth for out-of-frame occlusion and re-entry.
    /// </summary>
    private static ObjectMotion Traveller(double radius, int width, int height, double span, Random rng)
    {
        var scaleWave = Wave.Random(rng, rng.Uniform(0.1, 0.2), span);
        double maxScale = 1 + scaleWave.Amplitude;
        double inset = 0.8 * radius;
        (Point2 start, Point2 outward) = rng.Next(4) switch
        {
            0 => (new Point2(inset, rng.Uniform(0.3, 0.7) * height), new Point2(-1, 0)),
            1 => (new Point2(width - 1 - inset, rng.Uniform(0.3, 0.7) * height), new Point2(1, 0)),
            2 => (new Point2(rng.Uniform(0.3, 0.7) * width, inset), new Point2(0, -1)),
            _ => (new Point2(rng.Uniform(0.3, 0.7) * width, height - 1 - inset), new Point2(0, 1)),
        };
        return new ObjectMotion
        {
            Base = start,
            ScreenAnchored = true,
            ExcursionDirection = outward,
            // Past the edge by the whole scaled radius plus a margin: fully out at the peak.
            ExcursionLength = inset + 1.3 * radius * maxScale + 6,
            Angle = rng.NextDouble() * 2 * Math.PI,
            Spin = rng.Sign() * rng.Uniform(0.008, 0.03),
            AngleWave = Wave.Random(rng, rng.Uniform(0.05, 0.2), span),
            ScaleWave = scaleWave,
        };
    }

    /// <summary>A background large enough for every camera position, with a small border for bilinear sampling.</summary>
    private static TextureBitmap Background(CameraMotion camera, int frames, int width, int height, Random rng)
    {
        Point2[] path = Enumerable.Range(0, frames).Select(camera.At).ToArray();
        double minX = Math.Floor(path.Min(p => p.X)) - 2;
        double minY = Math.Floor(path.Min(p => p.Y)) - 2;
        int bgWidth = (int)(Math.Ceiling(path.Max(p => p.X)) - minX) + width + 4;
        int bgHeight = (int)(Math.Ceiling(path.Max(p => p.Y)) - minY) + height + 4;
        return TextureFactory.ForBackground(bgWidth, bgHeight, minX, minY, rng);
    }
}
