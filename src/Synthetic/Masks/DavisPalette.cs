namespace MoSiC.Stream.Synthetic;

/// <summary>
/// The 256-colour PASCAL VOC / DAVIS annotation palette: 0 = (0,0,0), 1 = (128,0,0), 2 = (0,128,0),
/// 3 = (128,128,0), 4 = (0,0,128), … — index k is the mask label k.
/// </summary>
public static class DavisPalette
{
    private static readonly byte[] Table = Build();

    /// <summary>RGB of palette index <paramref name="index"/>.</summary>
    public static (byte R, byte G, byte B) Color(int index) =>
        (Table[index * 3], Table[index * 3 + 1], Table[index * 3 + 2]);

    private static byte[] Build()
    {
        var table = new byte[256 * 3];
        for (int i = 0; i < 256; i++)
        {
            // Bits of the index are dealt round-robin to R, G, B, most significant bit first.
            int r = 0, g = 0, b = 0;
            for (int bit = 0, c = i; bit < 8; bit++, c >>= 3)
            {
                r |= (c & 1) << (7 - bit);
                g |= ((c >> 1) & 1) << (7 - bit);
                b |= ((c >> 2) & 1) << (7 - bit);
            }

            table[i * 3] = (byte)r;
            table[i * 3 + 1] = (byte)g;
            table[i * 3 + 2] = (byte)b;
        }

        return table;
    }
}
