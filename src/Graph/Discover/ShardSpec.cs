using System.Globalization;

namespace MoSiC.Stream.Graph.Discover;

/// <summary>
/// <c>--shard i/n</c>: this run takes the videos whose content hash falls in shard <see cref="Index"/> of
/// <see cref="Count"/>. The hash, not the path or the listing order, decides, so n machines that list the same corpus
/// (or slightly different copies of it) split it the same way without talking to each other.
/// </summary>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>The whole corpus.</summary>
    public static ShardSpec All { get; } = new(0, 1);

    /// <summary>Parses <c>i/n</c> with 0 ≤ i &lt; n.</summary>
    /// <exception cref="FormatException">The text is not <c>i/n</c> with 0 ≤ i &lt; n.</exception>
    public static ShardSpec Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
        {
            return new ShardSpec(index, count);
        }

        throw new FormatException($"--shard must be i/n with 0 <= i < n (e.g. 0/4 for the first of four), got \"{text}\"");
    }

    /// <summary>Whether the video with content hash <paramref name="sha256Hex"/> belongs to this shard.</summary>
    public bool Contains(string sha256Hex) =>
        Count == 1 || ulong.Parse(sha256Hex.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture) % (ulong)Count == (ulong)Index;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
