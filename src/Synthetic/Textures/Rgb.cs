namespace MoSiC.Stream.Synthetic;

/// <summary>A colour with channels in [0, 255], kept as doubles while textures are composed.</summary>
internal readonly record struct Rgb(double R, double G, double B)
{
    public static Rgb FromHsv(double hue, double saturation, double value)
    {
        double h = (hue % 1.0 + 1.0) % 1.0 * 6.0;
        int sector = (int)h;
        double f = h - sector;
        double p = value * (1 - saturation);
        double q = value * (1 - saturation * f);
        double t = value * (1 - saturation * (1 - f));
        (double r, double g, double b) = sector switch
        {
            0 => (value, t, p),
            1 => (q, value, p),
            2 => (p, value, t),
            3 => (p, q, value),
            4 => (t, p, value),
            _ => (value, p, q),
        };
        return new Rgb(r * 255, g * 255, b * 255);
    }

    public Rgb Scale(double factor) => new(R * factor, G * factor, B * factor);

    public static Rgb Lerp(Rgb a, Rgb b, double t) =>
        new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);

    public void WriteTo(byte[] dst, int offset)
    {
        dst[offset] = ToByte(R);
        dst[offset + 1] = ToByte(G);
        dst[offset + 2] = ToByte(B);
    }

    private static byte ToByte(double v) => (byte)Math.Clamp((int)Math.Round(v), 0, 255);
}
