namespace MoSiC.Stream.Synthetic;

/// <summary>
/// An RGB24 image placed in a local coordinate frame (texel (0,0) sits at <see cref="OriginX"/>,
/// <see cref="OriginY"/>), sampled bilinearly so sub-pixel motion moves the texture smoothly.
/// </summary>
internal sealed class TextureBitmap
{
    private readonly byte[] _rgb;

    public TextureBitmap(int width, int height, double originX, double originY, byte[] rgb)
    {
        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"texture buffer must hold {width}x{height} RGB24 texels, got {rgb.Length} bytes", nameof(rgb));
        }

        Width = width;
        Height = height;
        OriginX = originX;
        OriginY = originY;
        _rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    public double OriginX { get; }

    public double OriginY { get; }

    /// <summary>Writes the colour at local (x, y) to dst[offset..offset+3]; outside the bitmap the edge texel repeats.</summary>
    public void SampleInto(double x, double y, Span<byte> dst, int offset)
    {
        double fx = Math.Clamp(x - OriginX, 0, Width - 1.000001);
        double fy = Math.Clamp(y - OriginY, 0, Height - 1.000001);
        int ix = (int)fx;
        int iy = (int)fy;
        float ax = (float)(fx - ix);
        float ay = (float)(fy - iy);
        int stride = Width * 3;
        int i00 = iy * stride + ix * 3;
        int i10 = i00 + 3;
        int i01 = i00 + stride;
        int i11 = i01 + 3;
        float w00 = (1 - ax) * (1 - ay);
        float w10 = ax * (1 - ay);
        float w01 = (1 - ax) * ay;
        float w11 = ax * ay;
        for (int c = 0; c < 3; c++)
        {
            float v = w00 * _rgb[i00 + c] + w10 * _rgb[i10 + c] + w01 * _rgb[i01 + c] + w11 * _rgb[i11 + c];
            dst[offset + c] = (byte)(v + 0.5f);
        }
    }

    /// <summary>
    /// Samples <paramref name="count"/> texels at (x0 + i, y) into consecutive RGB24 pixels. One
    /// interpolation weight set serves the whole row, which makes the background cheap; the row
    /// must lie inside the bitmap.
    /// </summary>
    public void SampleRowInto(double x0, double y, int count, Span<byte> dst)
    {
        double fx = x0 - OriginX;
        double fy = y - OriginY;
        int ix = (int)Math.Floor(fx);
        int iy = (int)Math.Floor(fy);
        if (ix < 0 || iy < 0 || ix + count >= Width || iy + 1 >= Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x0), $"row ({x0}, {y}) x {count} leaves the {Width}x{Height} texture at ({OriginX}, {OriginY})");
        }

        float ax = (float)(fx - ix);
        float ay = (float)(fy - iy);
        float w00 = (1 - ax) * (1 - ay);
        float w10 = ax * (1 - ay);
        float w01 = (1 - ax) * ay;
        float w11 = ax * ay;
        ReadOnlySpan<byte> top = _rgb.AsSpan((iy * Width + ix) * 3, (count + 1) * 3);
        ReadOnlySpan<byte> bottom = _rgb.AsSpan(((iy + 1) * Width + ix) * 3, (count + 1) * 3);
        Span<byte> row = dst[..(count * 3)];
        for (int i = 0; i < row.Length; i++)
        {
            float v = w00 * top[i] + w10 * top[i + 3] + w01 * bottom[i] + w11 * bottom[i + 3];
            row[i] = (byte)(v + 0.5f);
        }
    }
}
