using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MoSiC.Stream.Tests.Synthetic;

/// <summary>
/// A deliberately independent reader for 8-bit palette PNGs: returns the raw stored indices and the
/// PLTE entries, so the tests see exactly what DAVIS tools would.
/// </summary>
internal sealed record PalettePng(int Width, int Height, byte[] Palette, byte[] Indices)
{
    public byte this[int x, int y] => Indices[y * Width + x];

    public static PalettePng Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        Assert.True(file.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }), $"{path} is not a PNG");
        int width = 0, height = 0;
        byte[] palette = [];
        using var idat = new MemoryStream();
        for (int at = 8; at < file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            string type = Encoding.ASCII.GetString(file, at + 4, 4);
            ReadOnlySpan<byte> data = file.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.Equal(8, data[8]);  // bit depth
                    Assert.Equal(3, data[9]);  // colour type: palette
                    Assert.Equal(0, data[12]); // no interlace
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var raw = new MemoryStream();
        using (var inflate = new ZLibStream(idat, CompressionMode.Decompress))
        {
            inflate.CopyTo(raw);
        }

        return new PalettePng(width, height, palette, Unfilter(raw.ToArray(), width, height));
    }

    private static byte[] Unfilter(byte[] raw, int width, int height)
    {
        Assert.Equal((width + 1) * height, raw.Length);
        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (width + 1)];
            for (int x = 0; x < width; x++)
            {
                int left = x > 0 ? pixels[y * width + x - 1] : 0;
                int up = y > 0 ? pixels[(y - 1) * width + x] : 0;
                int upLeft = x > 0 && y > 0 ? pixels[(y - 1) * width + x - 1] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"unknown PNG filter {filter}"),
                };
                pixels[y * width + x] = (byte)(raw[y * (width + 1) + 1 + x] + predictor);
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
