using System.Globalization;
using System.Text.RegularExpressions;

namespace MoSiC.Stream.Tests.Support;

/// <summary>Reads the totals line that <c>run</c>, <c>track</c> and <c>train</c> end with: clips tracked and clips found cached.</summary>
internal static partial class TrackTotals
{
    public static (int Tracked, int Cached) Parse(string output)
    {
        Match m = Line().Match(output);
        Assert.True(m.Success, $"no totals line in: {output}");
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"tracked (\d+) clips in \d+ batches, (\d+) already cached")]
    private static partial Regex Line();
}
