using System.Security.Cryptography;
using System.Text;

namespace MoSiC.Stream.Storage.Cache;

/// <summary>
/// Everything except the video that decides a clip's tracks: tracker identity (name, version, settings, weights hash),
/// query spec, decode settings and clip sampler settings with its version, each as canonical text. One track set is
/// one Hive partition of the cache, <c>tracker=&lt;Id&gt;</c>.
/// </summary>
public sealed record TrackSet(string Tracker, string Queries, string Decode, string Sampler)
{
    /// <summary>Canonical text of the whole set; its hash names the partition and enters every clip key.</summary>
    public string Canonical => $"tracker={Tracker}\nqueries={Queries}\ndecode={Decode}\nsampler={Sampler}";

    /// <summary>Partition id: tracker name and version, then 12 hex digits of the set's hash, e.g. <c>lk-v1-3f2a9c1b0d4e</c>.</summary>
    public string Id
    {
        get
        {
            // The name and version only: settings follow '?' or, for a tracker without settings, '&' (weights=…), and
            // neither may reach a folder name (CacheLayout holds partition names to [A-Za-z0-9._-]).
            string head = Tracker.Split('?', '&')[0].Replace('/', '-');
            return $"{head}-{Hex(Canonical)[..12]}";
        }
    }

    /// <summary>The key of clip <paramref name="clipIndex"/> of the video with content hash <paramref name="videoHash"/>, whose frames are <paramref name="frameIndices"/>.</summary>
    public string ClipKey(string videoHash, int clipIndex, IReadOnlyList<int> frameIndices) =>
        Hex($"{Canonical}\nvideo={videoHash}\nclip={clipIndex}\nframes={string.Join(',', frameIndices)}");

    internal static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
