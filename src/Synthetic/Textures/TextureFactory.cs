namespace MoSiC.Stream.Synthetic;

/// <summary>
/// Procedural textures with plenty of corner-like structure (blob edges, cell corners, stripe
/// crossings) so a Lucas-Kanade tracker has something to lock onto.
/// </summary>
internal static class TextureFactory
{
    public const int KindCount = 3;

    public static string KindName(int kind) => kind switch
    {
        0 => "noise",
        1 => "checks",
        _ => "plaid",
    };

    /// <summary>A texture covering local coordinates [-radius-2, radius+2] in both axes.</summary>
    public static TextureBitmap ForObject(int kind, double radius, Random rng)
    {
        int size = (int)Math.Ceiling(2 * radius) + 5;
        double origin = -(size - 1) / 2.0;
        Rgb[] colors = Scheme(rng, 4, 0.55, 0.95);
        Func<double, double, Rgb> paint = kind switch
        {
            0 => Noise(size, colors, rng),
            1 => Checks(size, colors, rng),
            _ => Plaid(size, colors, rng),
        };
        return Fill(size, size, origin, origin, paint);
    }

    /// <summary>A muted multi-scale noise texture covering a world rectangle.</summary>
    public static TextureBitmap ForBackground(int width, int height, double originX, double originY, Random rng)
    {
        Rgb[] colors = Scheme(rng, 5, 0.15, 0.5);
        var coarse = new ValueNoise(width, height, 24, rng);
        var middle = new ValueNoise(width, height, 9, rng);
        var fine = new ValueNoise(width, height, 4, rng);
        return Fill(width, height, originX, originY, (x, y) =>
        {
            double n = 0.5 * coarse.Sample(x, y) + 0.3 * middle.Sample(x, y) + 0.2 * fine.Sample(x, y);
            return Gradient(colors, Stretch(n, 2.2));
        });
    }

    private static Func<double, double, Rgb> Noise(int size, Rgb[] colors, Random rng)
    {
        var coarse = new ValueNoise(size, size, rng.Uniform(9, 14), rng);
        var fine = new ValueNoise(size, size, rng.Uniform(4, 6), rng);
        return (x, y) => Gradient(colors, Stretch(0.6 * coarse.Sample(x, y) + 0.4 * fine.Sample(x, y), 2.0));
    }

    private static Func<double, double, Rgb> Checks(int size, Rgb[] colors, Random rng)
    {
        int cell = rng.Next(6, 11);
        int cells = size / cell + 1;
        var index = new int[cells * cells];
        var shade = new double[cells * cells];
        for (int i = 0; i < index.Length; i++)
        {
            index[i] = rng.Next(colors.Length);
            shade[i] = rng.Uniform(0.8, 1.15);
        }

        var grain = new ValueNoise(size, size, 5, rng);
        return (x, y) =>
        {
            int i = (int)(y / cell) * cells + (int)(x / cell);
            return colors[index[i]].Scale(shade[i] * (0.92 + 0.16 * grain.Sample(x, y)));
        };
    }

    private static Func<double, double, Rgb> Plaid(int size, Rgb[] colors, Random rng)
    {
        double periodX = rng.Uniform(9, 15);
        double periodY = rng.Uniform(9, 15);
        // Brightness modulation breaks the period, so stripe crossings are not all alike.
        var modulation = new ValueNoise(size, size, 12, rng);
        return (x, y) =>
        {
            bool inX = x % periodX < periodX / 2;
            bool inY = y % periodY < periodY / 2;
            Rgb c = colors[(inX ? 1 : 0) + (inY ? 2 : 0)];
            return c.Scale(0.75 + 0.5 * modulation.Sample(x, y));
        };
    }

    private static TextureBitmap Fill(int width, int height, double originX, double originY, Func<double, double, Rgb> paint)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                paint(x, y).WriteTo(rgb, (y * width + x) * 3);
            }
        }

        return new TextureBitmap(width, height, originX, originY, rgb);
    }

    /// <summary>Colours around a random hue with shuffled brightness levels, so neighbours contrast in grey too.</summary>
    private static Rgb[] Scheme(Random rng, int count, double minSaturation, double maxSaturation)
    {
        double hue = rng.NextDouble();
        var values = Enumerable.Range(0, count).Select(i => 0.2 + 0.75 * i / (count - 1)).ToArray();
        rng.Shuffle(values);
        var colors = new Rgb[count];
        for (int i = 0; i < count; i++)
        {
            hue += rng.Uniform(0.06, 0.3);
            colors[i] = Rgb.FromHsv(hue, rng.Uniform(minSaturation, maxSaturation), values[i]);
        }

        return colors;
    }

    private static double Stretch(double n, double contrast) => Math.Clamp((n - 0.5) * contrast + 0.5, 0, 1);

    private static Rgb Gradient(Rgb[] colors, double t)
    {
        double position = t * (colors.Length - 1);
        int i = Math.Min((int)position, colors.Length - 2);
        return Rgb.Lerp(colors[i], colors[i + 1], position - i);
    }
}
