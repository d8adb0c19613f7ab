using System.Globalization;
using System.Numerics;

namespace MoSiC.Stream.Stages.Decode.Timeline;

/// <summary>An exact fraction, for time bases and frame rates as ffmpeg holds them (1/15360, 2997/100).</summary>
public readonly record struct Rational(long Numerator, long Denominator)
{
    /// <summary>The value as a double.</summary>
    public double Value => (double)Numerator / Denominator;

    /// <summary>Parses <c>num/den</c> (ffprobe's time_base).</summary>
    public static Rational Parse(string text)
    {
        string[] parts = text.Trim().Split('/');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long num)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long den) || num <= 0 || den <= 0)
            throw new FormatException($"not a time base: \"{text}\"");
        return new Rational(num, den);
    }

    /// <summary>
    /// A rate as ffmpeg reads it from the text we pass (<c>fps=29.97</c> is 2997/100): the decimal value of the double,
    /// as a reduced fraction.
    /// </summary>
    public static Rational FromDouble(double value)
    {
        decimal d = (decimal)value;
        long den = 1;
        while (d != decimal.Truncate(d) && den < 1_000_000_000)
        {
            d *= 10;
            den *= 10;
        }

        long num = (long)decimal.Truncate(d);
        long gcd = (long)BigInteger.GreatestCommonDivisor(num, den);
        return gcd > 1 ? new Rational(num / gcd, den / gcd) : new Rational(num, den);
    }
}
