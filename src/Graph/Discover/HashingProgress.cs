using System.Globalization;

namespace MoSiC.Stream.Graph.Discover;

/// <summary>How far identifying a corpus has come: files done of all listed, and the bytes the full hashes read.</summary>
public sealed record HashingProgress(int Done, int Listed, long BytesHashed, TimeSpan Elapsed)
{
    /// <summary>How often a long identification reports.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"identifying videos: {Done} of {Listed} files, {BytesHashed / 1e6:F0} MB hashed at {BytesHashed / 1e6 / Math.Max(Elapsed.TotalSeconds, 1e-3):F1} MB/s ({Elapsed.TotalSeconds:F0} s)");
}
