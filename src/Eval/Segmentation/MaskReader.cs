using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>
/// Reads a ground-truth mask PNG as label ids. A palette PNG (DAVIS 2017, YouTube-VOS, our synthetic corpus) gives its
/// palette indices, read here: ImageSharp 2.1 expands palettes to colours and exposes neither the indices nor the
/// table (<c>PngMetadata</c> has no palette; its decoder has no option to keep indices), and mapping colours back would
/// be wrong for palettes that repeat a colour (zero-padded ones repeat black). Any other PNG (DAVIS 2016's binary
/// masks) gives 0 for black and 1 for any other colour. The tests keep their own independent reader as an oracle.
/// </summary>
public static class MaskReader
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static LabelMap Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 33 || !file.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException($"{path} is not a PNG.");
        // IHDR is the first chunk: width, height, bit depth, colour type, compression, filter, interlace.
        byte colourType = file[8 + 8 + 9];
        byte interlace = file[8 + 8 + 12];
        if (colourType == 3 && interlace == 0) return ReadPalette(path, file);
        using var image = Image.Load<Rgba32>(file);
        int w = image.Width, h = image.Height;
        var ids = new int[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                Rgba32 p = image[x, y];
                ids[y * w + x] = p.R != 0 || p.G != 0 || p.B != 0 ? 1 : 0;
            }
        return new LabelMap(w, h, ids);
    }

    private static LabelMap ReadPalette(string path, byte[] file)
    {
        int width = 0, height = 0, depth = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at + 8 <= file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            string type = Encoding.ASCII.GetString(file, at + 4, 4);
            if (length < 0 || at + 12 + length > file.Length) throw new InvalidDataException($"{path}: truncated {type} chunk.");
            ReadOnlySpan<byte> data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                depth = data[8];
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        if (depth is not (1 or 2 or 4 or 8)) throw new InvalidDataException($"{path}: palette bit depth {depth}.");
        idat.Position = 0;
        using var raw = new MemoryStream();
        using (var inflate = new ZLibStream(idat, CompressionMode.Decompress)) inflate.CopyTo(raw);
        byte[] bytes = raw.ToArray();
        int stride = (width * depth + 7) / 8;
        if (bytes.Length < (stride + 1) * height) throw new InvalidDataException($"{path}: {bytes.Length} bytes of pixel data, expected {(stride + 1) * height}.");
        var rows = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = bytes[y * (stride + 1)];
            for (int x = 0; x < stride; x++)
            {
                int left = x > 0 ? rows[y * stride + x - 1] : 0;
                int up = y > 0 ? rows[(y - 1) * stride + x] : 0;
                int upLeft = x > 0 && y > 0 ? rows[(y - 1) * stride + x - 1] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"{path}: unknown PNG filter {filter}."),
                };
                rows[y * stride + x] = (byte)(bytes[y * (stride + 1) + 1 + x] + predictor);
            }
        }
        var ids = new int[width * height];
        int perByte = 8 / depth, mask = (1 << depth) - 1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte b = rows[y * stride + x / perByte];
                int shift = 8 - depth * (x % perByte + 1);
                ids[y * width + x] = (b >> shift) & mask;
            }
        return new LabelMap(width, height, ids);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
