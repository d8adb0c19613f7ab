using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;

namespace MoSiC.Stream.Synthetic;

/// <summary>
/// Writes label masks as 8-bit palette PNGs in the DAVIS palette, so the stored index of a pixel
/// is its label. ImageSharp 2.1 keeps a fixed palette's order; the tests read the raw indices back.
/// One instance per video: it reuses its pixel buffer and is not thread-safe.
/// </summary>
internal sealed class MaskPngWriter
{
    private static readonly Rgb24[] PaletteRgb = Enumerable.Range(0, 256)
        .Select(i => DavisPalette.Color(i))
        .Select(c => new Rgb24(c.R, c.G, c.B))
        .ToArray();

    private static readonly PngEncoder Encoder = new()
    {
        ColorType = PngColorType.Palette,
        BitDepth = PngBitDepth.Bit8,
        // Masks are large flat regions: the fastest deflate level already packs them well.
        CompressionLevel = PngCompressionLevel.BestSpeed,
        // No dithering: every input colour is exactly a palette entry and must map to itself.
        Quantizer = new PaletteQuantizer(
            PaletteRgb.Select(c => SixLabors.ImageSharp.Color.FromRgb(c.R, c.G, c.B)).ToArray(),
            new QuantizerOptions { Dither = null, MaxColors = 256 }),
    };

    private readonly int _width;
    private readonly int _height;
    private readonly Rgb24[] _pixels;

    public MaskPngWriter(int width, int height)
    {
        _width = width;
        _height = height;
        _pixels = new Rgb24[width * height];
    }

    public void Write(ReadOnlySpan<byte> labels, string path)
    {
        for (int i = 0; i < _pixels.Length; i++)
        {
            _pixels[i] = PaletteRgb[labels[i]];
        }

        using Image<Rgb24> image = Image.WrapMemory<Rgb24>(_pixels.AsMemory(), _width, _height);
        using FileStream stream = File.Create(path);
        image.SaveAsPng(stream, Encoder);
    }
}
